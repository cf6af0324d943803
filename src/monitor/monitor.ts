import type { OrgTarget } from "../config/target.js";
import type { OrgFacts } from "../domain/result.js";
import type { Clock } from "../platform/clock.js";
import type { Logger } from "../platform/logger.js";
import type { OrgMetricsView, OrgwatchMetrics } from "../metrics/types.js";
import type { SalesforceClient } from "../salesforce/client.js";
import { historyOf, type HistoryStore, type Retention } from "../store/index.js";
import type { LoginBudget } from "./budget.js";
import { checkOrg } from "./check-org.js";
import type { Coordinator } from "./coordinator.js";
import { resumeCheckAt } from "./schedule.js";

/** Everything the monitor runs with, built by the composition root. */
export interface MonitorDeps {
  targets: OrgTarget[];
  store: HistoryStore;
  coordinator: Coordinator;
  metrics: OrgwatchMetrics;
  client: SalesforceClient;
  clock: Clock;
  logger: Logger;
  budget: LoginBudget;
  retention: Retention;
  configFile: string;
}

/** The check id of one scheduled pass: the same org and due time always give the same id. */
export function checkIdFor(orgId: string, scheduledAt: number): string {
  return `${orgId}:${new Date(scheduledAt).toISOString()}`;
}

/** The use cases of `orgwatch run`: check one org within its budgets, and maintain history. */
export class Monitor {
  private readonly targets = new Map<string, OrgTarget>();
  private readonly facts = new Map<string, OrgFacts>();
  private closed = false;

  constructor(private readonly deps: MonitorDeps) {
    for (const t of deps.targets) this.targets.set(t.id, t);
  }

  /** The org ids this monitor checks. */
  orgIds(): string[] {
    return [...this.targets.keys()];
  }

  /** Whether an org is configured. */
  has(orgId: string): boolean {
    return this.targets.has(orgId);
  }

  /** Stops recording: a check abandoned at shutdown that finishes later is dropped, not written. */
  close(): void {
    this.closed = true;
  }

  /** When each org is first due: its stored slot if still ahead, else a deterministic spread. */
  initialSchedule(nowMs: number): [string, number][] {
    return [...this.targets.values()].map((t) => {
      const stored = this.deps.coordinator.state(t.id).nextCheckAt;
      return [t.id, resumeCheckAt(t.id, t.interval, stored ? Date.parse(stored) : null, nowMs)];
    });
  }

  /**
   * Checks one org (the check-org job): takes a login from the user's budget first, or skips and
   * says when a login will be free. Returns when the org is due next.
   */
  async runCheck(orgId: string, scheduledAt: number): Promise<number> {
    const target = this.targets.get(orgId);
    if (!target) return Number.MAX_SAFE_INTEGER;
    const { budget, clock, metrics } = this.deps;
    const now = clock.now();
    const needsLogin = target.key.ok && target.checks.includes("token");
    if (needsLogin && !budget.tryTake(target.username, target.loginBudgetPerHour, now)) {
      metrics.countBudgetSkip("login_budget");
      this.deps.logger.warn({ org: orgId }, `${orgId}: login budget used up, check postponed`);
      return budget.nextSlot(target.username, target.loginBudgetPerHour, now);
    }
    const result = await checkOrg(target, checkIdFor(orgId, scheduledAt), {
      client: this.deps.client,
      clock,
      history: historyOf(this.deps.coordinator.state(orgId)),
      previousFacts: this.facts.get(orgId) ?? null,
      recheckCommand: `orgwatch check --config ${this.deps.configFile} --org ${orgId}`,
    });
    if (this.closed) return Number.MAX_SAFE_INTEGER;
    if (result.facts.apiMax !== undefined) this.facts.set(orgId, result.facts);
    const state = this.deps.coordinator.record(target, result, clock.now());
    return state.nextCheckAt ? Date.parse(state.nextCheckAt) : clock.now() + target.interval;
  }

  /** Rolls up finished hours and days and prunes rows past retention (the prune job). */
  maintain(nowMs: number): { hourly: number; daily: number; pruned: number } {
    const rolled = this.deps.store.rollup(nowMs);
    const pruned = this.deps.store.prune(nowMs, this.deps.retention);
    const total = pruned.checks + pruned.stageRows + pruned.hourly + pruned.daily + pruned.logins;
    return { ...rolled, pruned: total };
  }

  /** The per-org view the metrics read at scrape time. */
  *metricsView(): Iterable<OrgMetricsView> {
    const now = this.deps.clock.now();
    for (const target of this.targets.values()) {
      const s = this.deps.coordinator.state(target.id);
      yield {
        id: target.id,
        state: s.state,
        cause: s.cause,
        backoffLevel: s.backoffLevel,
        lastCheckAt: s.lastCheckAt ? Date.parse(s.lastCheckAt) : null,
        lastSuccessAt: s.lastSuccessAt ? Date.parse(s.lastSuccessAt) : null,
        loginsUsed: this.deps.budget.used(target.username, now),
        loginBudget: target.loginBudgetPerHour,
        certificateNotAfter: target.certificate?.ok
          ? Date.parse(target.certificate.notAfter)
          : null,
      };
    }
  }
}
