/**
 * The bench's sender section: client CPU per request of today's node:http sender against the
 * undici sender (EnvHttpProxyAgent + request, the proxy path) with no proxy configured, so the
 * no-proxy path's choice rests on a figure. The peer runs in its own process, so only the
 * sender's CPU is counted.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { createHttpSend, type HttpSend } from "../src/platform/http.js";
import { createUndiciSend } from "../src/platform/http-proxy.js";

/** A peer answering every request with a REST-sized JSON body (about 1.5 kB). */
const PEER = `
const body = JSON.stringify({ totalSize: 1, done: true, records: Array.from({ length: 12 }, (_, i) =>
  ({ attributes: { type: "Organization", url: "/services/data/v65.0/sobjects/Organization/00D" + i }, Id: "00D000000000001" + i })) });
const server = require("node:http").createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(body));
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));
`;

async function startPeer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ["-e", PEER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((ok) =>
    child.stdout.once("data", (d: Buffer) => ok(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}/services/data/v65.0/query`, stop: () => child.kill() };
}

/** Sends `count` GETs, `concurrency` at a time; returns CPU µs per request and requests/s. */
async function measure(
  send: HttpSend,
  url: string,
  count: number,
  concurrency: number,
): Promise<{ cpuUs: number; perSecond: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const res = await send({ method: "GET", url, timeoutMs: 10_000 }).catch(() => null);
      if (res?.status !== 200) failed += 1;
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / count, perSecond: count / seconds, failed };
}

/** Client CPU per request, node:http vs undici, each the best of three rounds after a warm-up. */
export async function benchSender(
  opts: { requests?: number; concurrency?: number } = {},
): Promise<Record<string, number | string>> {
  const requests = opts.requests ?? 4000;
  const concurrency = opts.concurrency ?? 16;
  const peer = await startPeer();
  try {
    const senders: [string, HttpSend][] = [
      ["node:http", createHttpSend()],
      ["undici", createUndiciSend({ proxy: { httpProxy: "", httpsProxy: "", noProxy: "" } })],
    ];
    const figures: Record<string, number | string> = { requests, concurrency };
    for (const [, send] of senders) await measure(send, peer.url, 500, concurrency);
    const best: Record<string, { cpuUs: number; perSecond: number; failed: number }> = {};
    for (let round = 0; round < 3; round += 1) {
      // Interleaved rounds, so a busy moment of a shared machine hits both senders alike.
      for (const [name, send] of senders) {
        const r = await measure(send, peer.url, requests, concurrency);
        const prev = best[name];
        if (!prev || r.cpuUs < prev.cpuUs) best[name] = r;
      }
    }
    for (const [name, r] of Object.entries(best)) {
      figures[`${name} CPU µs/request`] = Math.round(r.cpuUs);
      figures[`${name} requests/s`] = Math.round(r.perSecond);
      figures[`${name} failed`] = r.failed;
    }
    const node = best["node:http"]?.cpuUs ?? 0;
    const undici = best.undici?.cpuUs ?? 0;
    figures["undici / node:http CPU"] = Number((undici / node).toFixed(2));
    return figures;
  } finally {
    peer.stop();
  }
}
