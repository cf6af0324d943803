import {
  createMetrics,
  createRegistry,
  type OrgMetricsView,
  type OrgwatchMetrics,
} from "../../src/metrics/index.js";
import { fakeResult } from "./store.js";

/** The time every fixture is set at. */
export const NOW = Date.parse("2026-03-02T10:00:00.000Z");
/** A username that must never reach a label. */
export const USERNAME = "integration.user@acme.example";

export const INSTANCE = "https://acme.my.salesforce.com";

/** One org as the metrics see it. */
export function view(id: string, patch: Partial<OrgMetricsView> = {}): OrgMetricsView {
  return {
    id,
    state: "healthy",
    cause: null,
    backoffLevel: 0,
    lastCheckAt: NOW,
    lastHealthyAt: NOW,
    loginsUsed: 3,
    loginBudget: 36,
    ...patch,
  };
}

/** A registry fed with three orgs (healthy, unhealthy, unknown) and a few results. */
export function setup(perOrg = true): {
  metrics: OrgwatchMetrics;
  registry: ReturnType<typeof createRegistry>;
  orgs: OrgMetricsView[];
} {
  const registry = createRegistry();
  const orgs = [
    view("acme"),
    view("beta", {
      state: "unhealthy",
      cause: "user_inactive",
      backoffLevel: 2,
      lastHealthyAt: null,
    }),
    view("gamma", { state: "unknown", lastCheckAt: null, lastHealthyAt: null, loginsUsed: 0 }),
  ];
  const metrics = createMetrics({ registry, perOrg, orgs: () => orgs });
  metrics.recordResult(
    fakeResult({
      orgId: "acme",
      at: NOW,
      tokenMs: 250,
      facts: {
        apiUsed: 1200,
        apiMax: 15000,
        username: USERNAME,
        certificateNotAfter: "2026-06-01T00:00:00.000Z",
      },
    }),
  );
  metrics.recordResult(fakeResult({ orgId: "beta", at: NOW, cause: "user_inactive" }));
  metrics.observeSchedulerLag(0.4);
  metrics.countBudgetSkip("api_floor");
  metrics.countCheckError();
  return { metrics, registry, orgs };
}
