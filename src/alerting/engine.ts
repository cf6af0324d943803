import type { AlertingConfig } from "../config/alerting.js";
import type { AlertDelivery, AlertLog, AlertMember, AlertThread } from "../domain/alerts.js";
import type { Silence, SilenceLog } from "../domain/silences.js";
import type { Incident, OutboxEvent } from "../domain/incident.js";
import type { Clock } from "../platform/clock.js";
import type { Logger } from "../platform/logger.js";
import { decide, type DecidePolicy, type MemberFacts } from "./decide.js";
import { ingest } from "./ingest.js";
import { buildMessage, type MessageContext } from "./message.js";
import { activeSilence, type RoutableOrg } from "./route.js";
import { silencedBy } from "./silences.js";
import type { FailureReason, Notifier, SendResult } from "./types.js";

/** The outbox cursor this engine reads with. */
export const ALERTING_CONSUMER = "alerting";

/** What the engine reads besides its own log: the outbox and incidents. */
export interface AlertSources {
  outboxAfter(afterSeq: number, limit: number): OutboxEvent[];
  outboxCursor(consumer: string): number;
  incident(id: string): Incident | null;
}

/** Counters the engine feeds (implemented in src/metrics). */
export interface AlertMetrics {
  sent(notifier: string, kind: string, latencySeconds: number): void;
  failed(notifier: string, reason: FailureReason): void;
  dropped(notifier: string, why: "too_old" | "rejected" | "disabled"): void;
  disabled(notifier: string, on: boolean): void;
}

/** Everything the engine runs with. */
export interface AlertEngineDeps {
  config: AlertingConfig;
  notifiers: readonly Notifier[];
  log: AlertLog;
  sources: AlertSources;
  /** An org in the config (name, tags); undefined once removed. */
  org: (id: string) => (RoutableOrg & { name: string }) | undefined;
  clock: Clock;
  logger: Logger;
  metrics?: AlertMetrics;
  /** Org page links (`server.publicUrl`) and whether Slack messages carry buttons. */
  links?: { orgPage?: (orgId: string) => string; buttons: boolean };
  /** Run-time silences (API, Slack), honoured like the config's. */
  silences?: Pick<SilenceLog, "activeSilences">;
  /**
   * Whether this process may alert now (scale-out: it holds the coordinator lease). Asked before
   * each round and each delivery, so a coordinator that lost its lease sends nothing more.
   */
  mayAct?: () => boolean;
}

/**
 * The wait before attempt n+1: doubling from `initial` up to `max`, with jitter (half to all of
 * it), and never shorter than the peer's Retry-After.
 */
export function backoffMs(
  attempts: number,
  policy: { initial: number; max: number },
  retryAfterMs = 0,
  random = Math.random,
): number {
  const base = Math.min(policy.initial * 2 ** Math.max(0, attempts - 1), policy.max);
  return Math.max(retryAfterMs, Math.round(base * (0.5 + random() / 2)));
}

/**
 * The alerting engine. Each `tick` reads committed outbox rows into threads (moving its cursor
 * in the same transaction), decides for every open thread from its delivery log, writes each
 * decided delivery before sending it, then sends what is due. Nothing in memory matters across
 * a restart: a crash between any two steps resumes from the rows.
 */
export class AlertEngine {
  private readonly byName = new Map<string, Notifier>();
  private readonly disabled = new Map<string, string>();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private deps: AlertEngineDeps) {
    for (const n of deps.notifiers) this.byName.set(n.name, n);
  }

  /**
   * Applies a reloaded config's routes, silences and policy from the next tick on. Notifiers are
   * built once (clients, tokens), so their list stays until a restart.
   */
  reconfigure(config: AlertingConfig): void {
    this.deps = { ...this.deps, config: { ...config, notifiers: this.deps.config.notifiers } };
  }

  /** Settles deliveries a crash left in doubt: confirmed ones are marked sent, others retried. */
  async recover(): Promise<void> {
    for (const d of this.deps.log.inDoubt()) {
      const found = await this.confirm(d);
      if (found === null) {
        this.deps.log.updateDelivery(d.id, {
          status: "pending",
          nextAttemptAt: this.deps.clock.now(),
        });
        continue;
      }
      this.deps.log.updateDelivery(d.id, { status: "sent", sentAt: this.deps.clock.now() });
      if (found.ref !== undefined && (d.kind === "open" || d.kind === "notice")) {
        this.deps.log.setRootRef(d.threadId, found.ref);
      }
    }
  }

  private async confirm(d: AlertDelivery): Promise<{ ref?: string } | null> {
    const view = this.deps.log.thread(d.threadId);
    const notifier = view ? this.byName.get(view.thread.notifier) : undefined;
    if (!view || !notifier?.confirm) return null;
    const message = buildMessage(
      view.thread,
      view.members,
      d,
      view.deliveries.filter((x) => x.seq < d.seq),
      this.context(),
    );
    const answer = await notifier
      .confirm(message, { rootRef: view.thread.rootRef }, AbortSignal.timeout(10_000))
      .catch(() => null);
    return answer?.found ? (answer.ref === undefined ? {} : { ref: answer.ref }) : null;
  }

  /** Starts ticking every `everyMs` (one tick at a time); a second start while ticking does nothing. */
  start(everyMs = 1000): void {
    if (this.timer !== null) return;
    const loop = (): void => {
      this.running = this.tick()
        .catch((err: unknown) => {
          this.deps.logger.error({ err }, "alerting tick failed; will retry");
        })
        .finally(() => {
          this.running = null;
          if (this.timer !== null) this.timer = setTimeout(loop, everyMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops ticking and waits for the tick in flight. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round: ingest, decide, send. */
  async tick(): Promise<void> {
    if (!this.allowed()) return;
    this.ingest();
    this.decideAll(this.deps.clock.now());
    await this.dispatch(this.deps.clock.now());
  }

  private ingest(): void {
    const { log, sources, config } = this.deps;
    for (;;) {
      const after = sources.outboxCursor(ALERTING_CONSUMER);
      const events = sources.outboxAfter(after, 500);
      const last = events.at(-1);
      if (!last) return;
      const ops = ingest({
        events,
        open: log.openThreads(),
        routes: config.routes,
        notifiers: config.notifiers.map((n) => n.name),
        org: (id) => this.deps.org(id),
        groupMaxAge: config.policy.groupMaxAge,
      });
      log.applyOps(ops, ALERTING_CONSUMER, last.seq);
    }
  }

  private context(): MessageContext {
    const { config, log } = this.deps;
    const now = this.deps.clock.now();
    return {
      incident: (id) => this.deps.sources.incident(id),
      org: (id) => this.deps.org(id),
      flapping: (orgId) =>
        log.opensSince(orgId, now - config.policy.flapWindow) >= config.policy.flapCount,
      ...(this.deps.links?.orgPage ? { orgPage: this.deps.links.orgPage } : {}),
      buttons: this.deps.links?.buttons ?? false,
    };
  }

  /**
   * Member facts for one round, each looked up at most once per org or incident: an org is a
   * member of one thread per notifier, and decide() asks only when it needs to.
   */
  private facts(now: number): (m: AlertMember) => MemberFacts {
    const { config, log, sources } = this.deps;
    const flapping = new Map<string, boolean>();
    const transient = new Map<string, boolean>();
    let runtime: Silence[] | null = null;
    const silenced = (org: RoutableOrg, cause: AlertMember["cause"]): boolean => {
      if (activeSilence(config.silences, org, cause, now) !== null) return true;
      runtime ??= this.deps.silences?.activeSilences(now) ?? [];
      return silencedBy(runtime, org, cause) !== null;
    };
    return (m) => {
      const org = this.deps.org(m.orgId) ?? { id: m.orgId, tags: [] };
      let flaps = flapping.get(m.orgId);
      if (flaps === undefined) {
        flaps = log.opensSince(m.orgId, now - config.policy.flapWindow) >= config.policy.flapCount;
        flapping.set(m.orgId, flaps);
      }
      let passing = transient.get(m.incidentId);
      if (passing === undefined) {
        passing = sources.incident(m.incidentId)?.causes.at(-1)?.transient ?? false;
        transient.set(m.incidentId, passing);
      }
      return {
        silenced: silenced(org, m.cause),
        transient: passing,
        flapping: flaps,
      };
    };
  }

  private policyFor(thread: AlertThread): DecidePolicy {
    const p = this.deps.config.policy;
    const own = this.deps.config.notifiers.find((n) => n.name === thread.notifier);
    return {
      groupWait: p.groupWait,
      updateInterval: p.updateInterval,
      reminderEvery: own?.reminderEvery ?? p.reminderEvery,
      transientHold: p.transientHold,
    };
  }

  private decideAll(now: number): void {
    const facts = this.facts(now);
    for (const { thread, members, deliveries } of this.deps.log.openThreads()) {
      const d = decide(thread, members, deliveries, facts, now, this.policyFor(thread));
      if (d === null) continue;
      if (d.action === "close") {
        this.deps.log.closeThread(thread.id, now);
        continue;
      }
      const seq = deliveries.reduce((a, x) => Math.max(a, x.seq), 0) + 1;
      this.deps.log.addDelivery(
        {
          id: `${thread.id}#${String(seq)}`,
          threadId: thread.id,
          seq,
          kind: d.kind,
          version: d.version,
          createdAt: now,
          status: "pending",
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
          sentAt: null,
        },
        d.close,
      );
    }
  }

  private async dispatch(now: number): Promise<void> {
    const due = this.deps.log.dueDeliveries(now, 200);
    // One message at a time per thread, in order: a reply never overtakes its root.
    const first = new Map<string, AlertDelivery>();
    for (const d of due) if (!first.has(d.threadId)) first.set(d.threadId, d);
    await Promise.all(
      [...first.values()].map((d) =>
        this.deliver(d, now).catch((err: unknown) => {
          // A bug building one message must not stop the others; it is retried like a failure.
          this.deps.log.updateDelivery(d.id, {
            status: "failed",
            lastError: "internal error",
            nextAttemptAt: now + this.deps.config.policy.retryMax,
          });
          this.deps.logger.error({ err, delivery: d.id }, "could not deliver an alert");
        }),
      ),
    );
  }

  private allowed(): boolean {
    return this.deps.mayAct?.() ?? true;
  }

  private async deliver(d: AlertDelivery, now: number): Promise<void> {
    const { log, config } = this.deps;
    if (!this.allowed()) return;
    const view = log.thread(d.threadId);
    if (!view) return;
    const earlier = view.deliveries.filter((x) => x.seq < d.seq);
    if (
      earlier.some((x) => x.status === "pending" || x.status === "failed" || x.status === "sending")
    )
      return;
    const notifier = this.byName.get(view.thread.notifier);
    if (!notifier || this.disabled.has(notifier.name)) return;
    if (d.kind !== "resolve" && now - d.createdAt > config.policy.maxAge) {
      log.updateDelivery(d.id, { status: "dropped", lastError: "older than alerting.maxAge" });
      this.deps.metrics?.dropped(notifier.name, "too_old");
      return;
    }
    log.updateDelivery(d.id, { status: "sending", attempts: d.attempts + 1 });
    const message = buildMessage(view.thread, view.members, d, earlier, this.context());
    const timeout = config.notifiers.find((n) => n.name === notifier.name)?.timeout ?? 10_000;
    const result: SendResult = await notifier
      .send(message, { rootRef: view.thread.rootRef }, AbortSignal.timeout(timeout))
      .catch((err: unknown): SendResult => ({
        ok: false,
        retryable: true,
        reason: "network",
        detail: err instanceof Error ? err.name : "send threw",
      }));
    const at = this.deps.clock.now();
    if (result.ok) {
      log.updateDelivery(d.id, { status: "sent", sentAt: at, lastError: null });
      if (result.ref !== undefined && view.thread.rootRef === null)
        log.setRootRef(d.threadId, result.ref);
      this.deps.metrics?.sent(notifier.name, d.kind, (at - d.createdAt) / 1000);
      return;
    }
    this.deps.metrics?.failed(notifier.name, result.reason);
    const fields = {
      notifier: notifier.name,
      delivery: d.id,
      reason: result.reason,
      detail: result.detail,
    };
    if (result.disable === true) {
      this.disabled.set(notifier.name, result.detail);
      this.deps.metrics?.disabled(notifier.name, true);
      this.tellOthers(notifier.name, result.detail, at);
      log.updateDelivery(d.id, {
        status: "failed",
        lastError: result.detail,
        nextAttemptAt: at + config.policy.retryMax,
      });
      this.deps.logger.error(
        fields,
        `notifier ${notifier.name} disabled until its config is fixed: ${result.detail}`,
      );
      return;
    }
    if (!result.retryable) {
      log.updateDelivery(d.id, { status: "dropped", lastError: result.detail });
      this.deps.metrics?.dropped(notifier.name, "rejected");
      this.deps.logger.error(
        fields,
        `notifier ${notifier.name} rejected a message: ${result.detail}`,
      );
      return;
    }
    const wait = backoffMs(
      d.attempts + 1,
      { initial: config.policy.retryInitial, max: config.policy.retryMax },
      result.retryAfterMs,
    );
    log.updateDelivery(d.id, {
      status: "failed",
      lastError: result.detail,
      nextAttemptAt: at + wait,
    });
    this.deps.logger.warn(
      fields,
      `notifier ${notifier.name} failed (${result.reason}); retrying in ${String(Math.round(wait / 1000))} s`,
    );
  }

  /** A monitor-health notice on every other working notifier: one channel is broken. */
  private tellOthers(broken: string, detail: string, at: number): void {
    for (const other of this.byName.keys()) {
      if (other === broken || this.disabled.has(other)) continue;
      this.deps.log.addThread({
        id: `${other}:notifier-disabled:${broken}:${String(at)}`,
        notifier: other,
        kind: "notice",
        cause: "unknown",
        createdAt: at,
        version: 1,
        rootRef: null,
        closedAt: null,
        notice: { type: "notifier", notifier: broken, detail },
      });
    }
  }

  /** Notifiers disabled by a permanent error, with the reason (secret-free). */
  disabledNotifiers(): ReadonlyMap<string, string> {
    return this.disabled;
  }
}
