import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { loadConfig, problemLine, type LoadedConfig } from "../../src/config/load.js";
import { generateIdentity } from "../../src/platform/keygen.js";
import { tempDir } from "../helpers/tmp.js";

let tmp: ReturnType<typeof tempDir>;
let n = 0;

beforeAll(() => {
  tmp = tempDir();
  writeFileSync(join(tmp.dir, "good.key"), generateIdentity().privateKeyPem);
});
afterAll(() => tmp.cleanup());

function org(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    loginUrl: `https://${id}.my.salesforce.com`,
    clientId: "3MVG9demo",
    username: `integration@${id}.com`,
    privateKeyFile: "../good.key",
    ...overrides,
  };
}

/** A fresh folder with a main config and included files (name → YAML text or tree). */
function fixture(main: Record<string, unknown>, files: Record<string, unknown>): string {
  n += 1;
  const dir = join(tmp.dir, `case${String(n)}`);
  mkdirSync(join(dir, "orgs"), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === "string" ? content : stringify(content));
  }
  const file = join(dir, "orgwatch.yaml");
  writeFileSync(file, stringify(main));
  return file;
}

function lines(config: LoadedConfig): string[] {
  return config.problems.map((p) => `${problemLine(p)} [${p.effect}]`);
}

describe("include: org lists from other files", () => {
  it("merges the main list and every matched file, in sorted order, and records the files", () => {
    const file = fixture(
      { include: ["orgs/*.yaml"], orgs: [org("main-a")] },
      {
        "orgs/b.yaml": { orgs: [org("b-1"), org("b-2")] },
        "orgs/a.yaml": { orgs: [org("a-1")] },
        "orgs/ignored.txt": "not yaml: [",
      },
    );
    const config = loadConfig(file, {});
    expect(lines(config)).toEqual([]);
    expect(config.orgs.map((o) => o.id)).toEqual(["main-a", "a-1", "b-1", "b-2"]);
    expect(config.entries).toBe(4);
    expect(config.files.map((f) => f.slice(f.lastIndexOf("case")))).toEqual([
      `case${String(n)}/orgwatch.yaml`,
      `case${String(n)}/orgs/a.yaml`,
      `case${String(n)}/orgs/b.yaml`,
    ]);
  });

  it("a duplicate id across files names both files; the first one keeps it", () => {
    const file = fixture(
      { include: ["orgs/*.yaml", "orgs/b.yaml"], orgs: [org("acme")] },
      {
        "orgs/a.yaml": { orgs: [org("eu"), org("acme")] },
        "orgs/b.yaml": { orgs: [org("eu"), org("b-1")] },
      },
    );
    const config = loadConfig(file, {});
    expect(lines(config)).toEqual([
      'orgs/a.yaml: orgs[1].id: "acme" is already used by orgs[0] in orgwatch.yaml; ids must be unique [skipped]',
      'orgs/b.yaml: orgs[0].id: "eu" is already used by orgs[0] in orgs/a.yaml; ids must be unique [skipped]',
    ]);
    expect(config.orgs.map((o) => o.id)).toEqual(["acme", "eu", "b-1"]);
  });

  it("a bad entry in an included file names the file and its YAML path; the others load", () => {
    const file = fixture(
      { include: ["orgs/eu.yaml"] },
      {
        "orgs/eu.yaml": {
          orgs: [
            org("eu-1"),
            org("eu-2", { loginUrl: "eu-2.my.salesforce.com" }),
            org("eu-3", { clientId: "${EU3_CLIENT}" }),
            org("eu-4", { privateKeyFile: "../missing.key" }),
          ],
        },
      },
    );
    const config = loadConfig(file, {});
    expect(lines(config)).toEqual([
      "orgs/eu.yaml: orgs[2].clientId: environment variable EU3_CLIENT is not set; export EU3_CLIENT=... before starting orgwatch [skipped]",
      'orgs/eu.yaml: orgs[1].loginUrl: "eu-2.my.salesforce.com" is not a URL; write https://eu-2.my.salesforce.com [skipped]',
      "orgs/eu.yaml: orgs[2].clientId: must be text: quote the Consumer Key in YAML [skipped]",
      "orgs/eu.yaml: orgs[3].privateKeyFile: cannot be read (ENOENT); check the path, relative to the config file (org eu-4 stays configured and reports key_invalid) [key]",
    ]);
    expect(config.orgs.map((o) => o.id)).toEqual(["eu-1", "eu-4"]);
    expect(loadConfig(file, { EU3_CLIENT: "3MVG9eu" }).orgs.map((o) => o.id)).toEqual([
      "eu-1",
      "eu-3",
      "eu-4",
    ]);
  });

  it("an included file that cannot be read, parsed, or holds more than orgs is fatal", () => {
    const file = fixture(
      { include: ["orgs/missing.yaml", "orgs/broken.yaml", "orgs/extra.yaml", "orgs/none-*.yaml"] },
      {
        "orgs/broken.yaml": "orgs:\n  - id: x\n   bad: [\n",
        "orgs/extra.yaml": { server: { listen: "127.0.0.1:1" }, orgs: [org("x")] },
      },
    );
    const config = loadConfig(file, {});
    const dir = file.slice(0, file.lastIndexOf("/"));
    expect(lines(config)).toEqual([
      'include[3]: "orgs/none-*.yaml" matches no file yet (paths are relative to the config file) [warning]',
      `include[0]: cannot read included file ${dir}/orgs/missing.yaml (ENOENT); check the path, relative to the config file [fatal]`,
      `include[1]: ${dir}/orgs/broken.yaml:3:4: not valid YAML: bad indentation of a sequence entry in "bad: [" [fatal]`,
      "orgs/extra.yaml: server: unknown field; an included file holds only an orgs: list [fatal]",
    ]);
  });

  it("include must be a list of strings", () => {
    const file = fixture({ include: "orgs/*.yaml" }, {});
    expect(lines(loadConfig(file, {}))).toEqual([
      "include: must be a list of files or globs, e.g. [orgs/*.yaml] [fatal]",
    ]);
  });

  it("config check validates the included files and counts their orgs", async () => {
    const file = fixture(
      { include: ["orgs/*.yaml"], orgs: [org("main-a")] },
      { "orgs/a.yaml": { orgs: [org("a-1"), org("a-2", { id: "A 2" })] } },
    );
    let out = "";
    let err = "";
    const code = await main(["node", "orgwatch", "config", "check", "--config", file], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env: {},
    });
    expect(code).toBe(1);
    expect(err).toBe(
      "orgs/a.yaml: orgs[1].id: must be 1-64 characters of a-z, 0-9, _ or - [org skipped]\n",
    );
    expect(out).toBe(`${file}: 2 of 3 orgs usable, 1 skipped\n`);
  });
});

describe("the shipped include example", () => {
  it("config/orgs/customers.example.yaml loads as an included file", () => {
    const file = fixture({ include: [join(process.cwd(), "config/orgs/*.example.yaml")] }, {});
    const pem = Buffer.from(generateIdentity().privateKeyPem).toString("base64");
    const config = loadConfig(file, { GLOBEX_KEY_B64: pem, INITECH_KEY_B64: pem });
    expect(lines(config)).toEqual([]);
    expect(config.orgs.map((o) => o.id)).toEqual(["globex-prod", "initech-prod"]);
  });
});
