import type { CheckResult } from "../domain/result.js";
import { registerFleetGauges, registerFleetInstruments } from "./fleet.js";
import { learnFacts, type OrgFactsCache } from "./org.js";
import { registerProcessMetrics } from "./process.js";
import { OrgwatchRegistry } from "./registry.js";
import { orgScrapeSource } from "./scrape.js";
import type { MetricsOptions, OrgwatchMetrics } from "./types.js";

export * from "./types.js";
export { expositionChunks, OrgwatchRegistry } from "./registry.js";

/** A fresh registry (no default Node metrics until `createMetrics` is given `processMetrics`). */
export function createRegistry(): OrgwatchRegistry {
  return new OrgwatchRegistry();
}

/** Registers every orgwatch metric on the given registry and returns the feeding API. */
export function createMetrics(options: MetricsOptions): OrgwatchMetrics {
  const { registry, perOrg, orgs } = options;
  const fleet = registerFleetInstruments(registry);
  const setTally = registerFleetGauges(registry);
  if (options.build) registerProcessMetrics(registry, options.build);
  const facts = new Map<string, OrgFactsCache>();
  registry.addSource(orgScrapeSource({ orgs, perOrg, facts, setTally }));

  const recordResult = (result: CheckResult): void => {
    fleet.checks.inc({ result: result.healthy ? "healthy" : "unhealthy" });
    if (!result.healthy) fleet.failures.inc({ cause: result.diagnosis?.cause ?? "unknown" });
    if (result.loginAttempted) fleet.logins.inc();
    for (const stage of result.stages) {
      const outcome = stage.skipped ? "skipped" : stage.ok ? "ok" : "failed";
      fleet.stageResults.inc({ stage: stage.stage, result: outcome });
      if (!stage.skipped)
        fleet.stageDuration.observe({ stage: stage.stage }, stage.durationMs / 1000);
    }
    const took = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
    if (Number.isFinite(took) && took >= 0) fleet.checkDuration.observe(took / 1000);
    if (perOrg) learnFacts(facts, result);
  };

  return {
    recordResult,
    countCheckError: () => fleet.checks.inc({ result: "error" }),
    observeSchedulerLag: (seconds) => fleet.schedulerLag.observe(Math.max(0, seconds)),
    countBudgetSkip: (reason) => fleet.budgetSkips.inc({ reason }),
    forgetOrg: (orgId) => {
      facts.delete(orgId);
    },
  };
}
export { createAlertingMetrics, type AlertingMetrics } from "./alerting.js";
export { createReloadMetrics, type ReloadMetrics } from "./reload.js";
export { createQueueMetrics, QUEUE_STATES, type QueueMetrics, type QueueSource } from "./queue.js";
