import { collectDefaultMetrics, Gauge, type Registry } from "prom-client";

/**
 * prom-client default metrics that `promtool check metrics` rejects, found by running it: gauges
 * named like counters. Their per-type siblings (`nodejs_active_handles` and so on) carry the same
 * numbers, so these are dropped rather than renamed.
 */
export const NON_CONFORMING_DEFAULT_METRICS: readonly string[] = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/** Registers `orgwatch_build_info` and prom-client's Node process metrics, minus the non-conforming. */
export function registerProcessMetrics(registry: Registry, build: { version: string }): void {
  const info = new Gauge({
    name: "orgwatch_build_info",
    help: "Always 1; the orgwatch version and the Node.js version that runs it, as labels.",
    labelNames: ["version", "node"],
    registers: [registry],
  });
  info.set({ version: build.version, node: process.version }, 1);
  collectDefaultMetrics({ register: registry });
  for (const name of NON_CONFORMING_DEFAULT_METRICS) registry.removeSingleMetric(name);
}
