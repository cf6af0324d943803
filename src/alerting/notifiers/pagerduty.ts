import { createHash } from "node:crypto";
import type { PagerdutyNotifierConfig } from "../../config/alerting.js";
import { systemClock, type Clock } from "../../platform/clock.js";
import type { Logger } from "../../platform/logger.js";
import type { AlertMessage, Notifier, SendResult, ThreadRef } from "../types.js";
import { firstOf, moreLine, truncate } from "./format.js";
import { postJson, resultOf } from "./post.js";

/*
 * PagerDuty Events API v2, from PagerDuty's own developer docs (github.com/PagerDuty/developer-docs,
 * docs/events-API-v2/01-Overview.md and 02-Trigger-Events.md):
 * - POST https://events.pagerduty.com/v2/enqueue, JSON: routing_key, event_action
 *   (trigger | acknowledge | resolve), dedup_key (at most 255 characters), payload.summary
 *   (required, at most 1024 characters), payload.source (required), payload.severity (required:
 *   critical | error | warning | info), optional payload.timestamp, component, group, class,
 *   custom_details, and links [{ href, text }].
 * - A resolve needs only routing_key, dedup_key and event_action. Events for a dedup_key apply to
 *   the open alert of the same routing key; after a resolve, a trigger opens a new alert.
 * - Answers: 202 accepted; 400 bad request, do not retry (body
 *   {"status":"invalid event","message":…,"errors":[…]}, as seen in client tests that quote it);
 *   429 retry later; 5xx and network errors retry later. PagerDuty documents no 401/403 for this
 *   endpoint (the routing key is checked as part of the event, a bad one is a 400), so those
 *   codes are mapped as for any HTTP peer: auth, disable.
 */

const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;
const MAX_COMPONENT = 1024;

/** An Events API v2 event as sent (the routing key included: it belongs in this body only). */
export type PagerdutyEvent =
  | {
      routing_key: string;
      event_action: "trigger";
      dedup_key: string;
      client: "orgwatch";
      payload: {
        summary: string;
        source: "orgwatch";
        severity: AlertMessage["severity"];
        timestamp: string;
        component: string;
        group: string;
        class: string;
        custom_details: Record<string, unknown>;
      };
      links: { href: string; text: string }[];
    }
  | { routing_key: string; event_action: "resolve"; dedup_key: string };

/**
 * The dedup key: the thread id, so every re-send of a thread lands on one alert; a notice
 * stands alone under its delivery id. A key over PagerDuty's 255 characters becomes its SHA-256.
 */
export function pagerdutyDedupKey(message: AlertMessage): string {
  const key = message.kind === "notice" ? message.deliveryId : message.threadId;
  return key.length <= MAX_DEDUP_KEY ? key : createHash("sha256").update(key).digest("hex");
}

/** Builds the event for a message: resolve ends the alert, every other kind triggers it. */
export function pagerdutyEvent(message: AlertMessage, routingKey: string): PagerdutyEvent {
  const dedup_key = pagerdutyDedupKey(message);
  if (message.kind === "resolve")
    return { routing_key: routingKey, event_action: "resolve", dedup_key };
  const ids = firstOf(message.orgs.map((o) => o.id));
  const component = [ids.shown.join(", "), moreLine(ids.more)].filter(
    (s) => s !== null && s !== "",
  );
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key,
    client: "orgwatch",
    payload: {
      summary: truncate(`${message.title}: ${message.summary}`, MAX_SUMMARY),
      source: "orgwatch",
      severity: message.kind === "notice" ? "info" : message.severity,
      timestamp: message.openedAt,
      component: truncate(component.join(" "), MAX_COMPONENT),
      group: message.cause,
      class: message.owner,
      custom_details: {
        fix: message.fix,
        orgs: message.orgs,
        counts: message.counts,
        changes: message.changes,
        recheck: message.recheck,
      },
    },
    links: message.links.map((l) => ({ href: l.url, text: l.label })),
  };
}

/** PagerDuty's own explanation of a 400: message and errors, never our event echoed back. */
function explain(body: string): string {
  try {
    const parsed = JSON.parse(body) as { status?: unknown; message?: unknown; errors?: unknown };
    const parts = [parsed.status, parsed.message].filter((p) => typeof p === "string");
    const errors = Array.isArray(parsed.errors)
      ? parsed.errors.filter((e) => typeof e === "string")
      : [];
    return [...parts, ...errors].join("; ");
  } catch {
    return body.slice(0, 200);
  }
}

/** Decides how one alert becomes a PagerDuty event and what PagerDuty's answer means. */
export function createPagerdutyNotifier(
  config: PagerdutyNotifierConfig,
  deps: { logger?: Logger; clock?: Clock } = {},
): Notifier {
  const clock = deps.clock ?? systemClock;
  return {
    name: config.name,
    kind: "pagerduty",
    async send(
      message: AlertMessage,
      _thread: ThreadRef,
      signal: AbortSignal,
    ): Promise<SendResult> {
      const req = {
        peer: "PagerDuty",
        secrets: [config.routingKey.reveal()],
        now: () => clock.now(),
      };
      const out = await postJson({
        ...req,
        url: config.apiUrl,
        body: JSON.stringify(pagerdutyEvent(message, config.routingKey.reveal())),
        headers: { "content-type": "application/json", "user-agent": "orgwatch" },
        timeoutMs: config.timeout,
        signal,
      });
      const result = resultOf(out, req, explain);
      if (!result.ok) {
        deps.logger?.warn(
          { notifier: config.name, kind: "pagerduty", deliveryId: message.deliveryId, ...result },
          "pagerduty delivery failed",
        );
      }
      return result;
    },
  };
}
