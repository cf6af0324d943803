import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { DELIVERY_KINDS, DROP_REASONS, FAILURE_REASONS } from "../domain/alerts.js";

/** The alerting engine's counters, by notifier name (a bounded label: names come from the config). */
export interface AlertingMetrics {
  sent(notifier: string, kind: string, latencySeconds: number): void;
  failed(notifier: string, reason: string): void;
  dropped(notifier: string, why: string): void;
  disabled(notifier: string, on: boolean): void;
}

/** Registers the alerting metrics, with a zero series for every notifier, kind and reason. */
export function createAlertingMetrics(
  registry: Registry,
  notifiers: readonly string[],
): AlertingMetrics {
  const sent = new Counter({
    name: "orgwatch_notifications_total",
    help: "Messages delivered, by notifier and kind.",
    labelNames: ["notifier", "kind"],
    registers: [registry],
  });
  const failed = new Counter({
    name: "orgwatch_notification_failures_total",
    help: "Failed delivery attempts, by notifier and reason.",
    labelNames: ["notifier", "reason"],
    registers: [registry],
  });
  const dropped = new Counter({
    name: "orgwatch_notifications_dropped_total",
    help: "Messages given up: too old to be useful, rejected by the peer, or for a disabled notifier.",
    labelNames: ["notifier", "why"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "orgwatch_notification_latency_seconds",
    help: "From the decision to send a message to its delivery.",
    labelNames: ["notifier"],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  const disabled = new Gauge({
    name: "orgwatch_notifier_disabled",
    help: "1 while a notifier is disabled by a permanent error (invalid token, unknown channel).",
    labelNames: ["notifier"],
    registers: [registry],
  });
  for (const notifier of notifiers) {
    for (const kind of DELIVERY_KINDS) sent.inc({ notifier, kind }, 0);
    for (const reason of FAILURE_REASONS) failed.inc({ notifier, reason }, 0);
    for (const why of DROP_REASONS) dropped.inc({ notifier, why }, 0);
    disabled.set({ notifier }, 0);
  }
  return {
    sent: (notifier, kind, seconds) => {
      sent.inc({ notifier, kind });
      latency.observe({ notifier }, seconds);
    },
    failed: (notifier, reason) => failed.inc({ notifier, reason }),
    dropped: (notifier, why) => dropped.inc({ notifier, why }),
    disabled: (notifier, on) => disabled.set({ notifier }, on ? 1 : 0),
  };
}
