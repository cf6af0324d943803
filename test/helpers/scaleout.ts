import type { ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { spawnOrgwatch } from "./orgwatch-process.js";

/** A running `orgwatch worker` child process. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Its BullMQ worker name (jobs it took carry it as processedBy). */
  name: string;
  output: () => string;
  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `orgwatch worker --config FILE` from dist/ and waits until it says it is consuming. */
export async function startWorker(
  configFile: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<WorkerProcess> {
  const started = await spawnOrgwatch(
    ["worker", "--config", configFile, ...args],
    env,
    "worker",
    (out) => /orgwatch worker (\S+): /.exec(out)?.[1],
  );
  return { child: started.child, name: started.ready, output: started.output, stop: started.stop };
}

/** Every key in the Redis on `port` and every value under it, as one text to search. */
export async function redisDump(port: number): Promise<string> {
  const r = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
  try {
    const parts: string[] = [];
    for (const key of await r.keys("*")) {
      parts.push(key);
      const type = await r.type(key);
      if (type === "string") parts.push((await r.get(key)) ?? "");
      else if (type === "hash") parts.push(JSON.stringify(await r.hgetall(key)));
      else if (type === "list") parts.push(JSON.stringify(await r.lrange(key, 0, -1)));
      else if (type === "set") parts.push(JSON.stringify(await r.smembers(key)));
      else if (type === "zset") parts.push(JSON.stringify(await r.zrange(key, "0", "-1")));
      else if (type === "stream") parts.push(JSON.stringify(await r.xrange(key, "-", "+")));
    }
    return parts.join("\n");
  } finally {
    r.disconnect();
  }
}

/** One metric sample's value from a /metrics text (null when absent). */
export function sample(text: string, series: string): number | null {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return null;
}

/**
 * The workers ("pb", processedBy) of the check jobs under `prefix` that a worker took within the
 * last `freshMs`: with a slow simulator, such a job is surely still in flight a moment later.
 * `orgs` keeps only those orgs' jobs: pass the ones whose checks reach the slow stage (a check
 * that fails at the token stage ends in milliseconds, before a kill could catch it in flight).
 */
export async function freshActiveJobs(
  port: number,
  prefix: string,
  orgs?: readonly string[],
  freshMs = 300,
): Promise<string[]> {
  const r = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
  try {
    const ids = await r.lrange(`${prefix}:checks:active`, 0, -1);
    const now = Date.now();
    const found: string[] = [];
    for (const id of ids) {
      if (orgs && !orgs.includes(id.split("@")[1] ?? "")) continue;
      const [pb, on] = await r.hmget(`${prefix}:checks:${id}`, "pb", "processedOn");
      if (pb && on && now - Number(on) < freshMs) found.push(pb);
    }
    return found;
  } finally {
    r.disconnect();
  }
}
