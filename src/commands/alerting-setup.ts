import type { FastifyInstance } from "fastify";
import type { Notifier } from "../alerting/types.js";
import type { LoadedConfig } from "../config/load.js";
import { registerSlackInteractions } from "../http/slack.js";
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
