import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { runSimulate } from "../../src/commands/simulate.js";
import type { CommandIo } from "../../src/commands/io.js";
import { simIdentity } from "../helpers/sim.js";
import { tempDir } from "../helpers/tmp.js";

let tmp: ReturnType<typeof tempDir>;
let simfile: string;

beforeAll(() => {
  tmp = tempDir("orgwatch-simcli-");
  simfile = join(tmp.dir, "simulator.yaml");
  copyFileSync(join(import.meta.dirname, "../../config/simulator.example.yaml"), simfile);
  writeFileSync(join(tmp.dir, "demo.crt"), simIdentity().certificatePem);
});
afterAll(() => tmp.cleanup());

function buffers(): { io: CommandIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {} }, out, err };
}

describe("orgwatch simulate", () => {
  it("serves the example SIMFILE, prints URL and orgs, and stops cleanly", async () => {
    const { io, out } = buffers();
    let stop = (): void => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    let listening = (): void => {};
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const code = runSimulate(
      { config: simfile },
      {
        ...io,
        stdout: (t) => {
          out.push(t);
          listening();
        },
      },
      async () => {
        await stopped;
      },
    );
    await ready;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.join(""))?.[1] ?? "";
    expect((await fetch(`${url}/services/data`)).status).toBe(200);
    stop();
    expect(await code).toBe(0);
    const text = out.join("");
    expect(text).toContain(
      `org acme-prod: login URL ${url}  My Domain https://acme.my.salesforce.com  scenario healthy`,
    );
    expect(text).toContain("org acme-dev: login URL");
    expect(text).toContain(
      "My Domain https://acme--dev.sandbox.my.salesforce.com  scenario app_not_installed",
    );
    expect(text).toContain("simulator stopped");
    await expect(fetch(`${url}/services/data`)).rejects.toThrow();
  });

  it("is registered in the CLI and resolves to 0 on SIGTERM", async () => {
    const { io, out } = buffers();
    const before = new Set(process.listeners("SIGTERM"));
    let listening = (): void => {};
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const exit = main(["node", "orgwatch", "simulate", "--config", simfile, "--port", "0"], {
      ...io,
      stdout: (t) => {
        out.push(t);
        listening();
      },
    });
    await ready;
    // call only the listener simulate added, not other SIGTERM handlers of this process
    const added = process.listeners("SIGTERM").filter((l) => !before.has(l));
    expect(added).toHaveLength(1);
    added[0]?.("SIGTERM");
    expect(await exit).toBe(0);
  });

  it("reports an unusable SIMFILE with its YAML path and exit code 2", async () => {
    const bad = join(tmp.dir, "bad.yaml");
    writeFileSync(
      bad,
      "apps: [{ clientId: k, certificateFile: ./demo.crt }]\norgs:\n  - { id: a, myDomain: a, app: nope, users: [{ username: u }] }\n",
    );
    const { io, err } = buffers();
    expect(await runSimulate({ config: bad }, io, () => Promise.resolve())).toBe(2);
    expect(err.join("")).toContain('orgs[0].app: no app with clientId "nope"');
  });
});
