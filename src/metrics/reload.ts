import { Gauge, type Registry } from "prom-client";

/** The config reload gauges, under Prometheus's own names for them. */
export interface ReloadMetrics {
  /** Records a reload attempt (the start counts as a successful one). */
  reloaded(successful: boolean, atMs: number): void;
}

/** Registers `orgwatch_config_last_reload_successful` and `..._success_timestamp_seconds`. */
export function createReloadMetrics(registry: Registry): ReloadMetrics {
  const successful = new Gauge({
    name: "orgwatch_config_last_reload_successful",
    help: "Whether the last configuration reload attempt was successful.",
    registers: [registry],
  });
  const at = new Gauge({
    name: "orgwatch_config_last_reload_success_timestamp_seconds",
    help: "Timestamp of the last successful configuration reload.",
    registers: [registry],
  });
  return {
    reloaded: (ok, atMs) => {
      successful.set(ok ? 1 : 0);
      if (ok) at.set(atMs / 1000);
    },
  };
}
