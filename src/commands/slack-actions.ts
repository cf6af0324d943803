import { SLACK_ACTIONS } from "../alerting/slack-blocks.js";
import { escapeMrkdwn } from "../alerting/slack-text.js";
import { createSilence } from "../alerting/silences.js";
import type { Notifier } from "../alerting/types.js";
import type { AlertLog } from "../domain/alerts.js";
import type { SilenceLog } from "../domain/silences.js";
import type { ApiMonitor } from "../http/api.js";
import type { SlackAction } from "../http/slack.js";
import type { CheckNowOutcome } from "../monitor/views.js";
import type { Clock } from "../platform/clock.js";
import type { Logger } from "../platform/logger.js";

const SILENCE_MS = 60 * 60_000;
const REPLY_TIMEOUT_MS = 10_000;

/** What a button press may touch. */
export interface SlackActionDeps {
  /** The check-now path of `POST /api/v1/orgs/{id}/check` (login budget included). */
  checkNow: ApiMonitor["checkNow"];
  alerts: Pick<AlertLog, "thread">;
  silences: Pick<SilenceLog, "addSilence">;
  notifiers: readonly Notifier[];
  org: (id: string) => { name: string } | undefined;
  clock: Clock;
  logger: Logger;
}

function hhmm(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

function checkLine(name: string, outcome: CheckNowOutcome): string {
  switch (outcome.kind) {
    case "queued":
      return `${name}: re-check queued`;
    case "running":
      return `${name}: a check is already running`;
    case "unknown":
      return `${name}: no longer in the config, not checked`;
    case "budget":
      return `${name}: not checked, its user's login budget is spent until ${hhmm(Date.parse(outcome.retryAt))}`;
  }
}

/**
 * What a pressed button does, decided from the thread it names: "Re-check now" asks for a check
 * of each org still down in it through the API's check-now path (so the login budget holds);
 * "Silence 1 h" creates a run-time silence of those orgs for the thread's cause. Either way the
 * thread gets one reply saying who did what. Returns that reply (tests, logs), or null when the
 * press was not ours or its thread is gone.
 */
export function slackActionHandler(deps: SlackActionDeps): (a: SlackAction) => string | null {
  return (action) => {
    const view = deps.alerts.thread(action.value);
    if (!view || view.thread.kind !== "incident") {
      deps.logger.warn({ action: action.actionId }, "slack button for an unknown alert thread");
      return null;
    }
    const who = `<@${escapeMrkdwn(action.user.id)}>`;
    const down = [
      ...new Set(view.members.filter((m) => m.resolvedAt === null).map((m) => m.orgId)),
    ];
    const name = (id: string): string => escapeMrkdwn(deps.org(id)?.name ?? id);
    let text: string;
    if (down.length === 0) {
      text = `${who} pressed a button, but every org of this alert has recovered: nothing to do.`;
    } else if (action.actionId === SLACK_ACTIONS.recheck) {
      const lines = down.map((id) => checkLine(name(id), deps.checkNow(id)));
      text = `${who} asked to re-check now:\n${lines.map((l) => `• ${l}`).join("\n")}`;
    } else if (action.actionId === SLACK_ACTIONS.silence) {
      const now = deps.clock.now();
      const made = createSilence(
        deps.silences,
        {
          match: { orgs: down, causes: [view.thread.cause] },
          durationMs: SILENCE_MS,
          createdBy: `${action.user.name} (Slack ${action.user.id})`,
          comment: `Silence 1 h from Slack, alert thread ${action.value}`,
        },
        now,
      );
      text = made.ok
        ? `${who} silenced ${down.map(name).join(", ")} (${view.thread.cause}) for 1 h, until ${hhmm(made.silence.endsAt)}.`
        : `${who} could not silence this alert: ${made.field} ${made.message}.`;
    } else {
      return null;
    }
    deps.logger.info(
      { action: action.actionId, user: action.user.id, orgs: down.length },
      "slack button pressed",
    );
    reply(deps, view.thread.notifier, action, text);
    return text;
  };
}

/** Posts the reply through the thread's own Slack notifier (its client and token). */
function reply(deps: SlackActionDeps, notifier: string, action: SlackAction, text: string): void {
  const slack = deps.notifiers.find((n) => n.name === notifier);
  if (!slack?.replyInThread) return;
  const where = { channel: action.channel, threadTs: action.threadTs };
  void slack.replyInThread(where, text, AbortSignal.timeout(REPLY_TIMEOUT_MS)).then((r) => {
    if (!r.ok)
      deps.logger.warn({ reason: r.reason, detail: r.detail }, "slack: thread reply failed");
  });
}
