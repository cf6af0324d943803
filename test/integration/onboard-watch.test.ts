import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { RESOLVE } from "../helpers/fleet.js";
import { tempDir } from "../helpers/tmp.js";

/**
 * `orgwatch onboard --watch` as a real process against the simulator, which the test drives
 * through the setup an admin would do: app unknown → app created (propagating) → user not
 * pre-authorized → API disabled → healthy. The test reacts to each JSON observation, so nothing
 * depends on timing: a late reaction only means one more observation of the same cause.
 */

const BIN = resolve("bin/orgwatch.js");
const DAY = 86_400_000;

let id: GeneratedIdentity;
let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;

interface Line {
  event: string;
  cause?: string | null;
  current?: string | null;
  waiting?: boolean;
  fix?: string[];
  note?: string | null;
  steps?: { n: number; id: string; state: string }[];
  [key: string]: unknown;
}

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
  lines: Line[];
}

/** Runs `orgwatch onboard ARGS`; `onLine` sees each JSON line as it arrives. */
function onboard(
  args: string[],
  onLine: (line: Line, send: (signal: NodeJS.Signals) => void) => void = () => undefined,
): Promise<Run> {
  if (!existsSync("dist/src/cli.js")) throw new Error("dist/ is missing: run `npm run build`");
  const child = spawn(process.execPath, [BIN, "onboard", ...args], {
    env: { ...process.env, ORGWATCH_RESOLVE: RESOLVE },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let pending = "";
  const lines: Line[] = [];
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    pending += d.toString();
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const text = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!text.startsWith("{")) continue;
      const line = JSON.parse(text) as Line;
      lines.push(line);
      onLine(line, (signal) => child.kill(signal));
    }
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((res) => {
    child.once("exit", (code, signal) =>
      res({ code: code ?? signal ?? -1, stdout, stderr, lines }),
    );
  });
}

function stateOf(line: Line): Record<string, string> {
  return Object.fromEntries((line.steps ?? []).map((s) => [s.id, s.state]));
}

function config(name: string, org: string, extra: Record<string, unknown> = {}): string {
  const file = join(tmp.dir, name);
  const host = `${org}.my.salesforce.com:${sim.port}`;
  writeFileSync(
    file,
    stringify({
      storage: { sqlite: `./${name}.db` },
      defaults: { timeout: "5s", loginBudgetPerHour: 100 },
      orgs: [
        {
          id: org,
          // An External Client App: My Domain as both token host and audience.
          loginUrl: `http://${host}`,
          audience: `http://${host}`,
          clientId: "3MVG9onboard",
          username: `integration@${org}.example`,
          privateKeyFile: "./app.key",
          permissionSet: "Integration",
          // The entry says the app was set up yesterday, so an unknown consumer key is
          // client_id_invalid on the first pass (no propagation window is open).
          createdAt: new Date(Date.now() - DAY).toISOString(),
          ...extra,
        },
      ],
    }),
  );
  return file;
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir("orgwatch-onboard-");
  writeFileSync(join(tmp.dir, "app.key"), id.privateKeyPem, { mode: 0o600 });
  const user = (org: string) => ({
    username: `integration@${org}.example`,
    permissionSets: [],
    apiEnabled: false,
  });
  sim = await startSimulator({
    spec: {
      apps: [{ clientId: "3MVG9onboard", certificate: id.certificatePem }],
      orgs: ["fresh", "stuck", "budget", "stopped"].map((org) => ({
        id: org,
        myDomain: org,
        app: "3MVG9onboard",
        appKind: "external_client_app" as const,
        users: [user(org)],
        // fresh: the app does not exist yet; its changes propagate for 60 s of simulated time.
        appPolicy: org === "fresh" ? { deleted: true, propagation: "60s" } : {},
      })),
    },
  });
});

afterAll(async () => {
  await sim?.close();
  tmp?.cleanup();
});

describe("orgwatch onboard --watch", () => {
  it("follows an app from unknown to healthy, marking the steps and showing each fix", async () => {
    const file = config("fresh.yaml", "fresh");
    const seen: Line[] = [];
    const run = await onboard(
      ["--config", file, "--org", "fresh", "--watch", "--json", "--every", "1s", "--timeout", "2m"],
      (line) => {
        if (line.event !== "observation") return;
        const first = seen.every((s) => s.cause !== line.cause);
        seen.push(line);
        if (!first) return;
        // The admin's next move, once per new cause.
        if (line.cause === "client_id_invalid") {
          sim.control.patchApp("fresh", {
            deleted: false,
            createdAt: new Date(sim.control.now()).toISOString(),
          });
        } else if (line.cause === "app_propagating") {
          sim.control.advanceClock(61_000); // Salesforce has passed the new app on
        } else if (line.cause === "user_not_preauthorized") {
          sim.control.patchUser("fresh", "integration@fresh.example", {
            permissionSets: ["Integration"],
          });
        } else if (line.cause === "api_disabled") {
          sim.control.patchUser("fresh", "integration@fresh.example", { apiEnabled: true });
        }
      },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const firstOf = (cause: string | null) => seen.find((s) => s.cause === cause);
    const path = seen.map((s) => s.cause).filter((c, i, all) => i === 0 || all[i - 1] !== c);
    expect(path).toEqual([
      "client_id_invalid",
      "app_propagating",
      "user_not_preauthorized",
      "api_disabled",
      null,
    ]);

    const unknown = firstOf("client_id_invalid");
    expect(unknown?.current).toBe("app");
    expect(stateOf(unknown ?? { event: "" })).toMatchObject({
      key: "done",
      app: "current",
      certificate: "pending",
      verify: "pending",
    });
    expect(unknown?.fix?.join("\n")).toMatch(/Copy the Consumer Key/);
    expect(unknown?.note).toMatch(/2 to 10 minutes/);

    const propagating = firstOf("app_propagating");
    expect(propagating?.current).toBe("app");
    expect(propagating?.waiting).toBe(true);
    expect(propagating?.fix).toEqual([]);
    expect(propagating?.note).toMatch(/takes 2 to 10 minutes.*Nothing to change/);

    const preauth = firstOf("user_not_preauthorized");
    expect(preauth?.current).toBe("preauthorize");
    expect(stateOf(preauth ?? { event: "" })).toMatchObject({
      app: "done",
      certificate: "done",
      host: "done",
      user: "done",
      install: "done",
      policies: "done",
      preauthorize: "current",
      api: "pending",
    });
    expect(preauth?.fix?.join("\n")).toMatch(/Admin approved users are pre-authorized/);
    expect(preauth?.fix?.join("\n")).toMatch(/permission set "Integration"/);

    const api = firstOf("api_disabled");
    expect(api?.current).toBe("api");
    expect(stateOf(api ?? { event: "" })).toMatchObject({
      preauthorize: "done",
      api: "current",
      verify: "pending",
    });
    expect(api?.fix?.join("\n")).toMatch(/API Enabled/);

    const healthy = firstOf(null);
    expect(Object.values(stateOf(healthy ?? { event: "" })).every((s) => s === "done")).toBe(true);
    const end = run.lines[run.lines.length - 1];
    expect(end).toMatchObject({ event: "end", result: "healthy", exitCode: 0, lastCause: null });
    expect(end?.path).toEqual(path);
    expect(run.lines[0]?.event).toBe("plan");
    expect(run.stdout).not.toContain("PRIVATE KEY");
    expect(run.stdout).not.toContain(id.privateKeyPem.split("\n")[1]);
  });

  it("gives up at --timeout with exit 1, the last cause and its step (plain lines when piped)", async () => {
    const file = config("stuck.yaml", "stuck");
    sim.control.patchUser("stuck", "integration@stuck.example", { apiEnabled: true });
    const run = await onboard([
      "--config",
      file,
      "--org",
      "stuck",
      "--watch",
      "--every",
      "1s",
      "--timeout",
      "2s",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Setup checklist:");
    expect(run.stdout).toMatch(/check 1: user_not_preauthorized at the token stage/);
    expect(run.stdout).toContain("[x] 7 policies  [>] 8 preauthorize  [ ] 9 api");
    expect(run.stdout).toMatch(
      /Timed out after \d+ checks? in \d+s: stuck still fails with user_not_preauthorized, step 8\/10/,
    );
    // no spinner and no terminal escapes when piped
    expect(run.stdout).not.toContain("\r");
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("takes its logins from the shared ledger and waits when the budget is spent", async () => {
    const file = config("budget.yaml", "budget", { loginBudgetPerHour: 1 });
    const before = sim.control.counters("budget").logins.total;
    const run = await onboard([
      "--config",
      file,
      "--org",
      "budget",
      "--watch",
      "--json",
      "--every",
      "1s",
      "--timeout",
      "3s",
    ]);
    expect(run.code).toBe(1);
    expect(sim.control.counters("budget").logins.total - before).toBe(1);
    const events = run.lines.map((l) => l.event);
    expect(events.filter((e) => e === "observation")).toHaveLength(1);
    expect(events).toContain("budget");
    expect(run.lines[run.lines.length - 1]).toMatchObject({ event: "end", result: "timeout" });
    // A second run shares the same ledger: no login is free, none is sent.
    const again = await onboard([
      "--config",
      file,
      "--org",
      "budget",
      "--watch",
      "--json",
      "--timeout",
      "1s",
    ]);
    expect(again.code).toBe(1);
    expect(sim.control.counters("budget").logins.total - before).toBe(1);
  });

  it("exits 1 on Ctrl-C with the last cause", async () => {
    const file = config("stopped.yaml", "stopped");
    const run = await onboard(
      ["--config", file, "--org", "stopped", "--watch", "--json", "--every", "30s"],
      (line, send) => {
        if (line.event === "observation") send("SIGINT");
      },
    );
    expect(run.code).toBe(1);
    expect(run.lines[run.lines.length - 1]).toMatchObject({
      event: "end",
      result: "interrupted",
      exitCode: 1,
      lastCause: "user_not_preauthorized",
    });
  });
});
