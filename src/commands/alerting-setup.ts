import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { AlertEngine } from "../alerting/engine.js";
import type { Notifier } from "../alerting/types.js";
import type { LoadedConfig } from "../config/load.js";
import { registerSlackInteractions } from "../http/slack.js";
import { createAlertingMetrics } from "../metrics/index.js";
import type { Fleet } from "../monitor/fleet.js";
import type { Clock } from "../platform/clock.js";
import type { Logger } from "../platform/logger.js";
import type { SqliteHistoryStore } from "../store/index.js";
import type { ApiMonitor } from "../http/api.js";
import { slackActionHandler } from "./slack-actions.js";

/** `${publicUrl}/orgs/{id}`: an org's page on the status page, or undefined without a URL. */
export function orgPageOf(config: LoadedConfig): ((id: string) => string) | undefined {
  const base = config.top.server.publicUrl;
  return base === undefined ? undefined : (id) => `${base}/orgs/${encodeURIComponent(id)}`;
}

/** Whether alerts carry Slack buttons: both the signing secret and the public URL are set. */
export function slackButtonsOn(config: LoadedConfig): boolean {
  return config.top.slack !== undefined && config.top.server.publicUrl !== undefined;
}

/** The alerting engine over the store's outbox, or null when no notifier is configured. */
export function buildAlerting(
  config: LoadedConfig,
  notifiers: Notifier[],
  deps: {
    store: SqliteHistoryStore;
    fleet: Fleet;
    clock: Clock;
    logger: Logger;
    registry: Registry;
  },
): AlertEngine | null {
  if (notifiers.length === 0) return null;
  const { store, fleet, clock, logger, registry } = deps;
  const orgPage = orgPageOf(config);
  return new AlertEngine({
    config: config.alerting,
    notifiers,
    log: store.alerts,
    silences: store.silences,
    sources: store,
    org: (id) => {
      const target = fleet.get(id)?.target;
      return target ? { id, name: target.name, tags: target.tags } : undefined;
    },
    clock,
    logger,
    metrics: createAlertingMetrics(
      registry,
      notifiers.map((n) => n.name),
    ),
    links: { ...(orgPage ? { orgPage } : {}), buttons: slackButtonsOn(config) },
  });
}

/**
 * `POST /slack/interactions` when `slack.signingSecret` is set: the buttons act through the
 * API's check-now path and the run-time silences, and reply through the thread's notifier.
 */
export function registerSlack(
  app: FastifyInstance,
  rt: {
    config: LoadedConfig;
    api: ApiMonitor;
    store: SqliteHistoryStore;
    notifiers: readonly Notifier[];
    fleet: Fleet;
    clock: Clock;
    logger: Logger;
  },
): void {
  const slack = rt.config.top.slack;
  if (slack === undefined) return;
  const act = slackActionHandler({
    checkNow: (id) => rt.api.checkNow(id),
    alerts: rt.store.alerts,
    silences: rt.store.silences,
    notifiers: rt.notifiers,
    org: (id) => rt.fleet.get(id)?.target,
    clock: rt.clock,
    logger: rt.logger,
  });
  registerSlackInteractions(app, {
    signingSecret: slack.signingSecret,
    act: (action) => {
      act(action);
    },
    now: () => rt.clock.now(),
    logger: rt.logger,
  });
}
