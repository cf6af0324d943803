/** `orgwatch worker`: the usage errors a person meets first, each one clear line and exit 2. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { tempDir } from "../helpers/tmp.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function worker(config: Record<string, unknown>, args: string[] = []) {
  const file = join(tmp.dir, `c-${String(Math.random()).slice(2)}.yaml`);
  writeFileSync(file, stringify(config));
  let out = "";
  let err = "";
  const code = await main(["node", "orgwatch", "worker", "--config", file, ...args], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: {},
    waitForStop: () => Promise.resolve("SIGTERM"),
  });
  return { code, out, err };
}

describe("orgwatch worker usage", () => {
  it("refuses a config without the redis scheduler, naming the field", async () => {
    const r = await worker({ orgs: [] });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^scheduler\.kind: orgwatch worker needs kind: redis with scheduler\.redisUrl/m,
    );
  });

  it("refuses a --concurrency that is not a whole number from 1 to 1024", async () => {
    const cfg = { scheduler: { kind: "redis", redisUrl: "redis://127.0.0.1:1" }, orgs: [] };
    for (const bad of ["0", "2.5", "lots", "5000"]) {
      const r = await worker(cfg, ["--concurrency", bad]);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`--concurrency ${bad}: must be a whole number from 1 to 1024\n`);
    }
  });
});
