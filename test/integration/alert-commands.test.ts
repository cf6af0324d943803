import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/cli.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { orgwatchYaml, RESOLVE, simSpec, type FleetOrg } from "../helpers/fleet.js";
import { tempDir } from "../helpers/tmp.js";

const RULES = "config/prometheus/orgwatch.rules.yml";
const ORGS: FleetOrg[] = [
  { id: "acme", scenario: "healthy" },
  { id: "beta", scenario: "user_inactive" },
];

interface RuleFile {
  groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[];
}

/** Every `orgwatch …` command quoted in an annotation, with its alert's labels filled in. */
function annotationCommands(): { alert: string; command: string }[] {
  const rules = parse(readFileSync(RULES, "utf8")) as RuleFile;
  return rules.groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      Object.values(r.annotations ?? {}).flatMap((text) =>
        [...text.matchAll(/`(orgwatch [^`]+)`/g)].map((m) => ({
          alert: r.alert ?? "",
          command: (m[1] ?? "")
            .replaceAll("{{ $labels.org }}", "beta")
            .replaceAll("{{ $labels.cause }}", "user_inactive"),
        })),
      ),
    ),
  );
}

let id: GeneratedIdentity;
let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;
let configPath: string;

async function orgwatch(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "orgwatch", ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem, ...env },
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, ORGS) });
  configPath = join(tmp.dir, "orgwatch.yaml");
  writeFileSync(
    configPath,
    orgwatchYaml(ORGS, sim.port, { storage: { sqlite: join(tmp.dir, "h.db") } }),
  );
});

afterAll(async () => {
  await sim?.close();
  tmp?.cleanup();
});

describe("commands quoted in alert annotations", () => {
  it("exist, and never need a running monitor", () => {
    const commands = annotationCommands();
    expect(commands.length).toBeGreaterThan(5);
    expect(commands.filter((c) => /^orgwatch (run|simulate)\b/.test(c.command))).toEqual([]);
  });

  it.each(annotationCommands())(
    "$alert: `$command` runs as written with ORGWATCH_CONFIG",
    async ({ command }) => {
      const r = await orgwatch(command.split(/\s+/).slice(1), { ORGWATCH_CONFIG: configPath });
      expect(r.stderr).not.toMatch(/error: (unknown|missing|required|too many)/i);
      expect([0, 1], r.stderr).toContain(r.code);
    },
  );
});

describe("ORGWATCH_CONFIG", () => {
  it.each([["config", "check"], ["check"], ["history", "--org", "beta"], ["run"]])(
    "`orgwatch %s` without --config or ORGWATCH_CONFIG is a one-line usage error",
    async (...args) => {
      const r = await orgwatch(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("error: no config file: pass --config FILE or set ORGWATCH_CONFIG\n");
    },
  );

  it("--config wins over ORGWATCH_CONFIG", async () => {
    const r = await orgwatch(["config", "check", "--config", configPath], {
      ORGWATCH_CONFIG: join(tmp.dir, "missing.yaml"),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(configPath);
  });

  it("is used when --config is absent", async () => {
    const r = await orgwatch(["check", "--org", "acme", "--json"], { ORGWATCH_CONFIG: configPath });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ orgs: [{ id: "acme", healthy: true }] });
  });
});
