/** Bench helpers: read a monitor's /metrics text and time the scrape. Loopback only. */
import { request } from "node:http";
import { performance } from "node:perf_hooks";

/** One scrape: when it was sent and answered (performance.now() ms) and its body. */
export interface Scrape {
  sentAt: number;
  doneAt: number;
  body: string;
}

/** One cumulative histogram: upper bounds (ascending, +Inf last) and their counts. */
export interface Buckets {
  le: number[];
  counts: number[];
}

/** GETs `path` on 127.0.0.1:port and resolves with status and body; rejects after timeoutMs. */
export function httpGet(
  port: number,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`GET ${path} timed out`)), timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** Scrapes /metrics once, timing the whole exchange (request sent to last byte read). */
export async function scrape(port: number, timeoutMs: number): Promise<Scrape> {
  const sentAt = performance.now();
  const res = await httpGet(port, "/metrics", timeoutMs);
  if (res.status !== 200) throw new Error(`/metrics answered ${String(res.status)}`);
  return { sentAt, doneAt: performance.now(), body: res.body };
}

/** Sums every sample of `name` (all label sets); 0 when absent. */
export function sumSamples(text: string, name: string): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/** The `<name>_bucket` series of an unlabelled histogram. */
export function histogram(text: string, name: string): Buckets {
  const pattern = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`);
  const rows: [number, number][] = [];
  for (const line of text.split("\n")) {
    const m = pattern.exec(line);
    if (!m?.[1] || !m[2]) continue;
    rows.push([m[1] === "+Inf" ? Infinity : Number(m[1]), Number(m[2])]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  return { le: rows.map((r) => r[0]), counts: rows.map((r) => r[1]) };
}

/** later − earlier, bucket by bucket: the observations made between two scrapes. */
export function bucketDelta(earlier: Buckets, later: Buckets): Buckets {
  return { le: later.le, counts: later.counts.map((c, i) => c - (earlier.counts[i] ?? 0)) };
}

/**
 * The q-quantile as Prometheus' histogram_quantile computes it: linear within the bucket, the
 * highest finite bound when it falls in +Inf; null with no observations.
 */
export function quantile(q: number, b: Buckets): number | null {
  const total = b.counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < b.le.length; i++) {
    const count = b.counts[i] ?? 0;
    if (count < rank) continue;
    const upper = b.le[i] ?? Infinity;
    const lower = i === 0 ? 0 : (b.le[i - 1] ?? 0);
    if (upper === Infinity) return lower;
    const below = i === 0 ? 0 : (b.counts[i - 1] ?? 0);
    const inBucket = count - below;
    return inBucket > 0 ? lower + (upper - lower) * ((rank - below) / inBucket) : upper;
  }
  return null;
}

/** Checks per second between two scrapes, timed from the middle of one to the middle of the other. */
export function rateBetween(a: Scrape, b: Scrape, counter: string): number | null {
  const seconds = ((b.sentAt + b.doneAt) / 2 - (a.sentAt + a.doneAt) / 2) / 1000;
  if (seconds <= 0) return null;
  return (sumSamples(b.body, counter) - sumSamples(a.body, counter)) / seconds;
}
