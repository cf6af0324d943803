import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

const DIST_STORE = resolve("dist/src/store/index.js");

/** The child: records passes in batches forever, printing each committed check id. */
const CHILD = `
import { BatchWriter, openStore } from ${JSON.stringify(pathToFileURL(DIST_STORE).href)};
const store = openStore(process.argv[2]);
const writer = new BatchWriter(
  (batch) => {
    store.recordResults(batch);
    process.stdout.write(batch.map((r) => "committed " + r.checkId + "\\n").join(""));
  },
  { maxBatch: 25, flushIntervalMs: 60000 },
);
const stages = ["local", "token", "identity", "rest", "limits", "bulk", "metadata"];
let n = 0;
function tick() {
  for (let k = 0; k < 10; k += 1) {
    n += 1;
    const at = new Date(Date.UTC(2026, 0, 1) + n).toISOString();
    writer.add({
      checkId: "crash-" + n, orgId: "org-" + (n % 50), startedAt: at, finishedAt: at,
      healthy: true, diagnosis: null, warnings: [], facts: {}, loginAttempted: true,
      stages: stages.map((stage) => ({ stage, ok: true, skipped: false, durationMs: 5, httpStatus: 200, errorCode: null })),
    });
  }
  setImmediate(tick);
}
tick();
`;

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir("orgwatch-crash-");
});
afterAll(() => tmp.cleanup());

/** Runs the child until it reported `enough` commits, then kills it with SIGKILL. */
function runAndKill(script: string, dbPath: string, enough: number): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, dbPath], { stdio: ["ignore", "pipe", "pipe"] });
    const committed: string[] = [];
    let buffer = "";
    let stderr = "";
    let killed = false;
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child reported only ${committed.length} commits in 20 s: ${stderr}`));
    }, 20_000);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("committed ")) committed.push(line.slice(10));
      if (!killed && committed.length >= enough) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(deadline);
      if (signal === "SIGKILL" && killed) resolvePromise(committed);
      else reject(new Error(`child exited early (code ${code}, signal ${signal}): ${stderr}`));
    });
  });
}

describe("crash safety", () => {
  it("keeps every batch the child reported committed after a kill -9", async () => {
    expect(existsSync(DIST_STORE), "run `npm run build` first: the child imports dist/").toBe(true);
    const script = join(tmp.dir, "child.mjs");
    writeFileSync(script, CHILD);
    const dbPath = join(tmp.dir, "db", "crash.db");
    const committed = await runAndKill(script, dbPath, 2000);
    expect(committed.length).toBeGreaterThanOrEqual(2000);

    const store = openStore(dbPath);
    try {
      expect(store.db.pragma("integrity_check", { simple: true })).toBe("ok");
      const has = store.db.prepare<[string], { n: number }>(
        "SELECT COUNT(*) AS n FROM check_results WHERE check_id = ?",
      );
      const missing = committed.filter((id) => has.get(id)?.n !== 7);
      expect(missing).toEqual([]);
    } finally {
      store.close();
    }
  });
});
