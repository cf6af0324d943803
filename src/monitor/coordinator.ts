import type { HealthEvent, Notice } from "../domain/incident.js";
import { checkIdFor, type CheckJob } from "../domain/job.js";
import type { CheckResult } from "../domain/result.js";
import { historyOf, type OrgState } from "../domain/state.js";
import type { Logger } from "../platform/logger.js";
import type { OrgwatchMetrics } from "../metrics/types.js";
import type {
  BatchWriter,
  LoginLedger,
  LoginRequest,
  LoginTake,
  RecordedPass,
} from "../store/index.js";
import type { Fleet, FleetEntry } from "./fleet.js";
import { nextCheck } from "./schedule.js";
import { applyPass } from "./transition.js";

const DAY_MS = 86_400_000;

/**
 * The certificate notice a pass crosses: the smallest threshold at or above the days left. Its
 * id names the certificate and the threshold, so each is written once however often it is seen.
 */
export function certificateNotices(result: CheckResult, days: readonly number[]): Notice[] {
  const notAfter = result.facts.certificateNotAfter;
  if (notAfter === undefined) return [];
  const left = Math.floor((Date.parse(notAfter) - Date.parse(result.startedAt)) / DAY_MS);
  const crossed = days.filter((d) => left <= d);
  if (crossed.length === 0) return [];
  const threshold = Math.min(...crossed);
  return [
    {
      cause: "certificate_expiring",
      eventId: `${result.orgId}:certificate:${notAfter}:${String(threshold)}`,
      days: threshold,
      notAfter,
    },
  ];
}

/** The coordinator's dependencies. */
export interface CoordinatorDeps {
  fleet: Fleet;
  /** The login ledger shared by every process on the database. */
  ledger: Pick<LoginLedger, "takeLogins">;
  /** Group commit of recorded passes (one transaction per batch). */
  passes: Pick<BatchWriter<RecordedPass>, "add">;
  metrics: Pick<OrgwatchMetrics, "recordResult" | "countBudgetSkip">;
  logger: Logger;
  /** Days before a certificate copy expires at which a notice is written, once each. */
  certificateDays?: readonly number[];
}

/** What `admit` decided for a due org. */
export type Admission =
  | { kind: "run"; job: CheckJob }
  | { kind: "postponed"; until: number; reason: "login_budget" }
  | { kind: "unknown" };

const UNKNOWN: Admission = { kind: "unknown" };

interface QueuedAdmission {
  orgId: string;
  dueAt: number;
  nowMs: number;
  resolve: (admission: Admission) => void;
  reject: (err: unknown) => void;
}

/** What `record` returns: the org's new state, when it is due next, and what changed. */
export interface Recorded {
  state: OrgState;
  nextDueAt: number;
  event: HealthEvent | null;
  /** True when the result had been recorded before (nothing changed). */
  replay: boolean;
}

/**
 * The coordinator's half of the monitor: it admits due orgs (the login budget first) and turns
 * each worker result into org state, incidents, outbox events and metrics. Results are keyed by
 * check id, so recording the same result twice changes nothing.
 */
export class Coordinator {
  private closed = false;
  /** Check ids whose login a previous coordinator already took (adopted at a takeover). */
  private readonly charged = new Set<string>();
  /** Orgs asked to be admitted in this turn of the event loop. */
  private queued: QueuedAdmission[] = [];

  constructor(private readonly deps: CoordinatorDeps) {}

  /**
   * Admits a due org: takes one login from its user's budget (counted across every process on
   * the ledger) and builds the job a worker runs. A spent budget postpones the check. The orgs
   * that fall due in one turn of the event loop share one ledger transaction (one commit, not
   * one each: at 1,000 checks/s the commits were a tenth of the run loop's CPU).
   */
  admit(orgId: string, dueAt: number, nowMs: number): Promise<Admission> {
    return new Promise((resolve, reject) => {
      this.queued.push({ orgId, dueAt, nowMs, resolve, reject });
      if (this.queued.length === 1) setImmediate(() => this.admitQueued());
    });
  }

  private admitQueued(): void {
    const batch = this.queued;
    this.queued = [];
    const asks: LoginRequest[] = [];
    // Each queued org's entry and check id, looked up once, and its place in `asks` (if any).
    const items = batch.map((q) => {
      const entry = this.closed ? undefined : this.deps.fleet.get(q.orgId);
      const checkId = checkIdFor(q.orgId, q.dueAt);
      const paid = this.charged.delete(checkId);
      const target = entry?.target;
      if (!target || paid || !target.key.ok || !target.checks.includes("token")) {
        return { q, entry, checkId, ask: -1 };
      }
      asks.push({ username: target.username, limit: target.loginBudgetPerHour, nowMs: q.nowMs });
      return { q, entry, checkId, ask: asks.length - 1 };
    });
    let takes: LoginTake[];
    try {
      takes = this.deps.ledger.takeLogins(asks);
    } catch (err) {
      for (const q of batch) q.reject(err);
      return;
    }
    for (const { q, entry, checkId, ask } of items) {
      q.resolve(entry ? this.admission(entry, q.dueAt, checkId, takes[ask] ?? null) : UNKNOWN);
    }
  }

  /** The admission of one queued org, given the ledger's answer (null: no login was asked). */
  private admission(
    entry: FleetEntry,
    dueAt: number,
    checkId: string,
    take: LoginTake | null,
  ): Admission {
    const { target, state } = entry;
    const orgId = target.id;
    if (take) {
      this.deps.fleet.noteLogins(target.username, take.times);
      if (!take.ok) {
        this.deps.metrics.countBudgetSkip("login_budget");
        this.deps.logger.warn(
          { org: orgId, until: new Date(take.nextFreeAt).toISOString() },
          `${orgId}: login budget of ${target.username} used up, check postponed`,
        );
        return { kind: "postponed", until: take.nextFreeAt, reason: "login_budget" };
      }
    }
    return {
      kind: "run",
      job: {
        checkId,
        orgId,
        dueAt,
        history: historyOf(state),
        apiUsage: state.apiUsage ? { used: state.apiUsage.used, max: state.apiUsage.max } : null,
      },
    };
  }

  /**
   * Marks the pass of `orgId` due at `dueAt` as admitted already: a coordinator taking over adopts
   * the checks its predecessor queued, whose logins are in the ledger, so admitting one again
   * must not take a second login.
   */
  adopt(orgId: string, dueAt: number): void {
    this.charged.add(checkIdFor(orgId, dueAt));
  }

  /** Records again after close (a scale-out coordinator that took its lease back). */
  reopen(): void {
    this.closed = false;
  }

  /** Stops recording: a pass that finishes after this is dropped, never written. */
  close(): void {
    this.closed = true;
  }

  /** Records one pass; null for an org no longer in the fleet or after close. */
  record(result: CheckResult, nowMs: number): Recorded | null {
    const entry = this.deps.fleet.get(result.orgId);
    if (!entry || this.closed) return null;
    const { target, state: prev } = entry;
    if (prev.lastCheckAt !== null && prev.lastCheckAt >= result.startedAt) {
      const nextDueAt = prev.nextCheckAt ? Date.parse(prev.nextCheckAt) : nowMs + target.interval;
      return { state: prev, nextDueAt, event: null, replay: true };
    }
    const { next, event } = applyPass(prev, result, target, entry.hash);
    const decision = nextCheck({
      intervalMs: target.interval,
      maxBackoffMs: target.maxBackoff,
      cause: result.diagnosis?.cause ?? null,
      transient: result.diagnosis?.transient ?? false,
      failedAtToken: result.diagnosis?.stage === "token",
      backoffLevel: prev.backoffLevel,
      nowMs,
    });
    next.nextCheckAt = new Date(decision.nextAt).toISOString();
    next.backoffLevel = decision.backoffLevel;
    this.deps.fleet.setState(target.id, next);
    const notices = certificateNotices(result, this.deps.certificateDays ?? [30, 14, 7, 1]);
    this.deps.passes.add({ result, state: next, event, notices });
    this.deps.metrics.recordResult(result);
    for (const stage of result.stages) {
      if (stage.skipReason === "api_floor") this.deps.metrics.countBudgetSkip("api_floor");
    }
    if (event) this.logEvent(target.id, event, result.checkId);
    return { state: next, nextDueAt: decision.nextAt, event, replay: false };
  }

  private logEvent(orgId: string, event: HealthEvent, checkId: string): void {
    const fields = { org: orgId, event: event.kind, cause: event.cause, checkId };
    switch (event.kind) {
      case "opened":
        this.deps.logger.info(fields, `${orgId} is unhealthy: ${event.cause}`);
        break;
      case "cause_changed":
        this.deps.logger.info(fields, `${orgId} is still unhealthy, now ${event.cause}`);
        break;
      case "resolved":
        this.deps.logger.info(fields, `${orgId} recovered from ${event.cause}`);
        break;
    }
  }
}
