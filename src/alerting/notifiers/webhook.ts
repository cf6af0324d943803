import { createHmac } from "node:crypto";
import type { WebhookNotifierConfig } from "../../config/alerting.js";
import { systemClock, type Clock } from "../../platform/clock.js";
import type { Logger } from "../../platform/logger.js";
import type { AlertMessage, Notifier, SendResult, ThreadRef } from "../types.js";
import { postJson, resultOf } from "./post.js";

/** The version of the JSON body; bumped only for a change a receiver must know about. */
export const WEBHOOK_BODY_VERSION = 1;

/** What a webhook receiver gets: documented field by field in docs/notifiers/webhook.md. */
export interface WebhookBody {
  version: typeof WEBHOOK_BODY_VERSION;
  deliveryId: string;
  threadId: string;
  kind: AlertMessage["kind"];
  state: AlertMessage["state"];
  severity: AlertMessage["severity"];
  cause: AlertMessage["cause"];
  owner: AlertMessage["owner"];
  title: string;
  summary: string;
  fix: string[];
  links: AlertMessage["links"];
  orgs: AlertMessage["orgs"];
  counts: AlertMessage["counts"];
  openedAt: string;
  resolvedAt: string | null;
  changes: string[];
  flapping: boolean;
  text: string;
  recheck: string | null;
}

/** Builds the body from a message, field by field, so nothing undocumented slips onto the wire. */
export function webhookBody(m: AlertMessage): WebhookBody {
  return {
    version: WEBHOOK_BODY_VERSION,
    deliveryId: m.deliveryId,
    threadId: m.threadId,
    kind: m.kind,
    state: m.state,
    severity: m.severity,
    cause: m.cause,
    owner: m.owner,
    title: m.title,
    summary: m.summary,
    fix: m.fix,
    links: m.links,
    orgs: m.orgs,
    counts: m.counts,
    openedAt: m.openedAt,
    resolvedAt: m.resolvedAt,
    changes: m.changes,
    flapping: m.flapping,
    text: m.text,
    recheck: m.recheck,
  };
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, what X-Orgwatch-Signature carries. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** Decides how one alert becomes a signed JSON POST, and what the receiver's answer means. */
export function createWebhookNotifier(
  config: WebhookNotifierConfig,
  deps: { logger?: Logger; clock?: Clock } = {},
): Notifier {
  const clock = deps.clock ?? systemClock;
  const peer = "the webhook URL";
  return {
    name: config.name,
    kind: "webhook",
    async send(
      message: AlertMessage,
      _thread: ThreadRef,
      signal: AbortSignal,
    ): Promise<SendResult> {
      const body = JSON.stringify(webhookBody(message));
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": "orgwatch",
        "x-orgwatch-delivery": message.deliveryId,
      };
      if (config.secret)
        headers["x-orgwatch-signature"] = webhookSignature(config.secret.reveal(), body);
      const secrets = [config.url.reveal(), ...(config.secret ? [config.secret.reveal()] : [])];
      const req = { peer, secrets, now: () => clock.now() };
      const out = await postJson({
        ...req,
        url: config.url.reveal(),
        body,
        headers,
        timeoutMs: config.timeout,
        signal,
      });
      const result = resultOf(out, req);
      if (!result.ok) {
        deps.logger?.warn(
          { notifier: config.name, kind: "webhook", deliveryId: message.deliveryId, ...result },
          "webhook delivery failed",
        );
      }
      return result;
    },
  };
}
