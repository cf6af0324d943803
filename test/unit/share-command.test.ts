import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { loadConfigTree } from "../../src/config/load.js";
import { verifyShare } from "../../src/http/page-auth.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "0123456789abcdef0123456789abcdef-share";
let id: GeneratedIdentity;
let tmp: ReturnType<typeof tempDir>;

beforeAll(() => {
  id = generateIdentity();
  tmp = tempDir();
  writeFileSync(join(tmp.dir, "good.key"), id.privateKeyPem);
});
afterAll(() => tmp.cleanup());

const ORG = {
  id: "acme-prod",
  loginUrl: "https://acme.my.salesforce.com",
  clientId: "3MVG9demo",
  username: "integration@acme.com",
  privateKeyFile: "./good.key",
};

function configFile(server: Record<string, unknown>): string {
  const file = join(tmp.dir, `c${String(Math.random()).slice(2)}.yaml`);
  writeFileSync(file, stringify({ server, orgs: [ORG] }));
  return file;
}

async function share(args: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const code = await main(["node", "orgwatch", "share", ...args], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env,
  });
  return { code, out, err };
}

describe("server.publicUrl and server.shareSecret", () => {
  it("load from ${ENV}, the secret as a Secret that never prints", () => {
    const config = loadConfigTree(
      {
        server: { publicUrl: "https://orgwatch.example.com/", shareSecret: "${SHARE}" },
        orgs: [],
      },
      { file: join(tmp.dir, "x.yaml"), env: { SHARE: SECRET } },
    );
    expect(config.problems).toEqual([]);
    expect(config.top.server.publicUrl).toBe("https://orgwatch.example.com");
    expect(config.top.server.shareSecret?.reveal()).toBe(SECRET);
    expect(JSON.stringify(config.top)).not.toContain(SECRET);
  });

  it("name the field and the fix when wrong", () => {
    const config = loadConfigTree(
      { server: { publicUrl: "orgwatch.example.com", shareSecret: "short" }, orgs: [] },
      { file: join(tmp.dir, "x.yaml"), env: {} },
    );
    expect(config.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'server.publicUrl: "orgwatch.example.com" is not a URL; write https://orgwatch.example.com',
      "server.shareSecret: must be at least 32 characters, e.g. the output of `openssl rand -hex 32`",
    ]);
  });
});

describe("orgwatch share", () => {
  it("prints a signed link for the one org, expiring after --ttl", async () => {
    const file = configFile({ publicUrl: "https://ow.example.com", shareSecret: "${S}" });
    const before = Date.now();
    const r = await share(["--config", file, "--org", "acme-prod", "--ttl", "2d"], { S: SECRET });
    expect(r.code).toBe(0);
    const url = r.out.trim();
    expect(url).toMatch(/^https:\/\/ow\.example\.com\/share\/acme-prod\.\d+\.[\w-]{43}$/);
    expect(r.out + r.err).not.toContain(SECRET);
    const checked = verifyShare(url.split("/share/")[1] ?? "", SECRET, Date.now());
    expect(checked).toMatchObject({ ok: true, orgId: "acme-prod" });
    const expiresAt = checked.ok ? checked.expiresAt : 0;
    expect(expiresAt).toBeGreaterThan(before + 2 * 86_400_000 - 2000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 2 * 86_400_000);
    expect(r.err).toContain("rotate server.shareSecret");
  });

  it("without publicUrl or shareSecret: one line naming the field, exit 2", async () => {
    const noUrl = await share([
      "--config",
      configFile({ shareSecret: SECRET }),
      "--org",
      "acme-prod",
    ]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.err.trim().split("\n")).toHaveLength(1);
    expect(noUrl.err).toMatch(/^server\.publicUrl: not set/);
    const noSecret = await share([
      "--config",
      configFile({ publicUrl: "https://ow.example.com" }),
      "--org",
      "acme-prod",
    ]);
    expect(noSecret.code).toBe(2);
    expect(noSecret.err).toMatch(/^server\.shareSecret: not set/);
    expect(noSecret.out).toBe("");
  });

  it("refuses an unknown org, a bad --ttl and a missing ${ENV}", async () => {
    const file = configFile({ publicUrl: "https://ow.example.com", shareSecret: "${S}" });
    const other = await share(["--config", file, "--org", "nope"], { S: SECRET });
    expect(other).toMatchObject({ code: 2, out: "" });
    expect(other.err).toContain("--org nope: no such org");
    for (const ttl of ["forever", "10s", "91d"]) {
      const bad = await share(["--config", file, "--org", "acme-prod", "--ttl", ttl], {
        S: SECRET,
      });
      expect(bad.code).toBe(2);
      expect(bad.err).toContain(`--ttl ${ttl}: give a duration from 1m to 90d`);
    }
    const unset = await share(["--config", file, "--org", "acme-prod"]);
    expect(unset.code).toBe(2);
    expect(unset.err).toContain("server.shareSecret: environment variable S is not set");
  });
});
