import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../../scripts/bench-fleet.js";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureBinaries } from "./system.js";
import { tempDir } from "./tmp.js";

/** One series of an instant query result. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A running Prometheus scraping one target. */
export interface PrometheusHandle {
  url: string;
  /** Runs an instant query; throws with Prometheus' message on a PromQL error. */
  query(promql: string): Promise<PromSample[]>;
  /** Polls a query until it returns at least one series or `timeoutMs` passes. */
  waitFor(promql: string, timeoutMs?: number): Promise<PromSample[]>;
  /** Every loaded rule with its health (`ok`, `err`, `unknown`) and last error. */
  rules(): Promise<{ name: string; health: string; lastError?: string }[]>;
  stop(): Promise<void>;
}

/** Options of `startPrometheus`. */
export interface PrometheusOptions {
  /** The scrape target as host:port (an orgwatch `/metrics` server, or any exporter), or several. */
  target: string | string[];
  metricsPath?: string;
  /** Rule files to load (absolute or relative to the working directory). */
  ruleFiles?: string[];
  scrapeInterval?: string;
}

/** A free loopback TCP port (the bench and the tests share one). */
export { freePort };

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : JSON.stringify(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}

function configText(options: PrometheusOptions): string {
  const interval = options.scrapeInterval ?? "1s";
  const rules = (options.ruleFiles ?? [])
    .map((f) => `  - ${JSON.stringify(resolve(f))}\n`)
    .join("");
  return [
    "global:",
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(rules ? [`rule_files:\n${rules.trimEnd()}`] : []),
    "scrape_configs:",
    "  - job_name: orgwatch",
    `    metrics_path: ${JSON.stringify(options.metricsPath ?? "/metrics")}`,
    "    static_configs:",
    `      - targets: ${JSON.stringify([options.target].flat())}`,
    "",
  ].join("\n");
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      res();
      return;
    }
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(kill);
      res();
    });
    child.kill("SIGTERM");
  });
}

/** Starts Debian's `prometheus` on a free loopback port with a temp TSDB, waiting until ready. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusHandle> {
  ensureBinaries(["prometheus"]);
  const tmp = tempDir("orgwatch-prom-");
  const config = join(tmp.dir, "prometheus.yml");
  writeFileSync(config, configText(options));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(tmp.dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    await stopChild(child);
    tmp.cleanup();
  };
  try {
    await until("prometheus /-/ready", 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : null;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success")
      throw new Error(`Prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const query = async (promql: string): Promise<PromSample[]> => {
    const data = await api<{ resultType: string; result: unknown }>(
      `/api/v1/query?query=${encodeURIComponent(promql)}`,
    );
    if (data.resultType === "scalar")
      return [{ metric: {}, value: data.result as [number, string] }];
    return data.result as PromSample[];
  };
  return {
    url,
    query,
    waitFor: (promql, timeoutMs = 30_000) =>
      until(`series for ${promql}`, timeoutMs, async () => {
        const result = await query(promql);
        return result.length > 0 ? result : null;
      }),
    rules: async () => {
      const data = await api<{
        groups: { rules: { name: string; health: string; lastError?: string }[] }[];
      }>("/api/v1/rules");
      return data.groups.flatMap((g) => g.rules);
    },
    stop,
  };
}
