import type { OrgTarget } from "../../src/config/target.js";
import { createMetrics, createRegistry } from "../../src/metrics/index.js";
import { checkOrg } from "../../src/monitor/check-org.js";
import { Coordinator } from "../../src/monitor/coordinator.js";
import { Fleet } from "../../src/monitor/fleet.js";
import { checkOrgHandler, type CheckWorker } from "../../src/monitor/run-loop.js";
import { metricsViewOf } from "../../src/monitor/views.js";
import type { Clock } from "../../src/platform/clock.js";
import { createLogger } from "../../src/platform/logger.js";
import type { SalesforceClient } from "../../src/salesforce/client.js";
import type { JobHandler } from "../../src/scheduler/types.js";
import { BatchWriter, type RecordedPass, type SqliteHistoryStore } from "../../src/store/index.js";

/** The coordinator side of a monitor, wired as `orgwatch run` wires it, for in-process tests. */
export interface TestRuntime {
  fleet: Fleet;
  coordinator: Coordinator;
  passes: BatchWriter<RecordedPass>;
  registry: ReturnType<typeof createRegistry>;
  handler: JobHandler;
}

/** Builds fleet, coordinator, group commit and the check-org handler on a real store. */
export function testRuntime(opts: {
  store: SqliteHistoryStore;
  targets: OrgTarget[];
  client: SalesforceClient;
  clock: Clock;
}): TestRuntime {
  const { store, client, clock } = opts;
  const fleet = new Fleet();
  const stored = new Map(store.listOrgStates().map((s) => [s.orgId, s]));
  for (const t of opts.targets) fleet.add(t, stored.get(t.id) ?? null);
  const registry = createRegistry();
  const metrics = createMetrics({
    registry,
    perOrg: true,
    orgs: () => metricsViewOf(fleet, clock.now()),
  });
  const passes = new BatchWriter<RecordedPass>((b) => store.commitPasses(b));
  const coordinator = new Coordinator({
    fleet,
    ledger: store,
    passes,
    metrics,
    logger: createLogger({ level: "silent" }),
  });
  const worker: CheckWorker = {
    run: (job, signal) => {
      const target = fleet.get(job.orgId)?.target;
      if (!target) throw new Error(`no target ${job.orgId}`);
      return checkOrg(target, job, { client, clock, recheckCommand: () => "test" }, signal);
    },
  };
  return {
    fleet,
    coordinator,
    passes,
    registry,
    handler: checkOrgHandler({ coordinator, worker, clock }),
  };
}
