/**
 * ORGWATCH_LOG_FORMAT: `run` logs JSON lines or one readable line per event, and config
 * problems and one-line errors of `run` and `config check` follow the chosen format; a value
 * that names no format is a one-line error.
 */
import { createServer, type Server } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { createLogger } from "../../src/platform/logger.js";
import { RESOLVE } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil } from "../helpers/orgwatch-process.js";
import { runFixture, type RunFixture } from "../helpers/run-fixture.js";

let fx: RunFixture;
let broken: string;
let busy: Server;
let busyConfig: string;

async function cli(args: string[], env: Record<string, string>) {
  let out = "";
  let err = "";
  const code = await main(["node", "orgwatch", ...args], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { TEST_KEY: fx.id.privateKeyPem, ORGWATCH_LOG_LEVEL: "silent", ...env },
    waitForStop: () => Promise.resolve("SIGTERM"),
  });
  return { code, out, err, lines: err.split("\n").filter(Boolean) };
}

beforeAll(async () => {
  fx = await runFixture([{ id: "fmt", scenario: "healthy" }], {
    defaults: { interval: "1s", timeout: "3s" },
  });
  broken = join(fx.dir, "broken.yaml");
  writeFileSync(
    broken,
    stringify({ defaults: { interval: 10 }, orgs: [{ id: "Bad Id", loginUrl: "nope" }] }),
  );
  busy = createServer();
  await new Promise<void>((ok) => busy.listen(0, "127.0.0.1", ok));
  const address = busy.address();
  const port = typeof address === "object" && address ? address.port : 0;
  busyConfig = join(fx.dir, "busy.yaml");
  writeFileSync(
    busyConfig,
    stringify({ server: { listen: `127.0.0.1:${String(port)}` }, storage: { sqlite: "./b.db" } }),
  );
});

afterAll(async () => {
  await new Promise((ok) => busy.close(ok));
  await fx.close();
});

describe("config problems follow ORGWATCH_LOG_FORMAT", () => {
  it("json: one JSON log line per problem, with its path and effect", async () => {
    const r = await cli(["config", "check", "--config", broken], { ORGWATCH_LOG_FORMAT: "json" });
    expect(r.code).toBe(2);
    const events = r.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.length).toBeGreaterThan(1);
    for (const e of events) {
      expect(e.app).toBe("orgwatch");
      expect(typeof e.level).toBe("number");
    }
    expect(events).toContainEqual(
      expect.objectContaining({ path: "defaults.interval", effect: "fatal", level: 50 }),
    );
    expect(events.at(-1)?.msg).toBe(`${broken}: not usable; fix the problems above`);
  });

  it("text: one readable line per problem, no JSON", async () => {
    const r = await cli(["config", "check", "--config", broken], { ORGWATCH_LOG_FORMAT: "text" });
    expect(r.code).toBe(2);
    for (const line of r.lines) {
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z (WARN |ERROR) \S/);
      expect(line.startsWith("{")).toBe(false);
    }
    expect(r.lines.some((l) => / ERROR defaults\.interval: .* \[fatal\]$/.test(l))).toBe(true);
  });

  it("unset: plain path: message lines, as before", async () => {
    const r = await cli(["config", "check", "--config", broken], {});
    expect(r.lines.some((l) => l.startsWith("defaults.interval: "))).toBe(true);
  });

  it("run's one-line start errors follow it too", async () => {
    const r = await cli(["run", "--config", busyConfig], { ORGWATCH_LOG_FORMAT: "json" });
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(JSON.parse(r.lines[0] ?? "")).toMatchObject({
      level: 50,
      code: "LISTEN_FAILED",
    });
    expect((JSON.parse(r.lines[0] ?? "") as { msg: string }).msg).toMatch(
      /^server\.listen 127\.0\.0\.1:\d+: the address is in use/,
    );
  });

  it.each([["config", "check"], ["run"]])(
    "a value that names no format is one line and exit 2 (%s)",
    async (...command) => {
      const r = await cli([...command, "--config", fx.config], { ORGWATCH_LOG_FORMAT: "xml" });
      expect(r.code).toBe(2);
      expect(r.err).toBe("ORGWATCH_LOG_FORMAT xml: must be json or text\n");
    },
  );
});

describe("orgwatch run's log in the text format", () => {
  it("writes one readable line per event, secrets still redacted", async () => {
    const ow = await startOrgwatch(fx.config, {
      ORGWATCH_RESOLVE: RESOLVE,
      TEST_KEY: fx.id.privateKeyPem,
      ORGWATCH_LOG_LEVEL: "info",
      ORGWATCH_LOG_FORMAT: "text",
    });
    const started = await waitUntil("the start line", () =>
      ow.output().match(/^\S+Z INFO {2}orgwatch started orgs=1 url=http:\/\/127\.0\.0\.1:\d+$/m),
    );
    expect(started).toBeTruthy();
    expect(await ow.stop("SIGTERM")).toBe(0);
    expect(ow.output()).toMatch(/^\S+Z INFO {2}shutting down signal=SIGTERM$/m);
    expect(ow.output()).not.toMatch(/^\{/m);
  });

  it("redacts secrets and keeps an error on one line", () => {
    const lines: string[] = [];
    const logger = createLogger({ format: "text", destination: { write: (l) => lines.push(l) } });
    const err = Object.assign(new Error("boom\nsecond line"), { code: "EBOOM" });
    logger.error({ err, assertion: "eyJ.secret.jwt" }, "a scheduled run failed");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ ERROR a scheduled run failed /);
    expect(lines[0]).toContain('err="Error: EBOOM: boom\\nsecond line"');
    expect(lines[0]).toContain("assertion=<secret>");
    expect(lines[0]).not.toContain("eyJ.secret.jwt");
    expect(lines[0]?.trimEnd().includes("\n")).toBe(false);
  });
});
