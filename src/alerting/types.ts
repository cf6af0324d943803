import type { DeliveryKind, FailureReason } from "../domain/alerts.js";
import type { CauseId, CauseOwner, Severity } from "../domain/causes.js";

/** The kinds of notifier. */
export const NOTIFIER_KINDS = ["slack", "email", "webhook", "pagerduty"] as const;

/** One kind of notifier. */
export type NotifierKind = (typeof NOTIFIER_KINDS)[number];

/** What a message is, in its thread: the first one, a change, a reminder, the end, or a notice. */
export type MessageKind = DeliveryKind;

/** A Setup page or other link shown with the fix steps. */
export interface AlertLink {
  label: string;
  url: string;
}

/** One org in a message (a thread may list many: a fleet-wide cause). */
export interface AlertOrg {
  id: string;
  name: string;
  /** The org's current cause; null once it recovered. */
  cause: CauseId | null;
  /** When its incident opened (ISO). */
  since: string;
  /** When it recovered (ISO), or null while still down. */
  resolvedAt: string | null;
  /** True for orgs that joined or changed since the last message of the thread. */
  changed: boolean;
}

/**
 * Everything a notifier needs to render and send one message. Built by the alerting core from
 * committed rows only; holds no secret (no token, key, assertion, password, routing key).
 */
export interface AlertMessage {
  /** Unique per delivery; the idempotency key (PagerDuty dedup is the thread id instead). */
  deliveryId: string;
  /** Stable for the whole thread (one incident, or one fleet-wide group). */
  threadId: string;
  kind: MessageKind;
  /** `firing` until every org in the thread recovered. */
  state: "firing" | "resolved";
  severity: Severity;
  /** The thread's cause (for a group, the shared cause it opened with). */
  cause: CauseId;
  owner: CauseOwner;
  /** One line for a phone's lock screen, e.g. `acme: app not installed in the org`. */
  title: string;
  /** What broke, in a sentence or two. */
  summary: string;
  /** The exact steps to fix it, in order (for a group: those of its first org). */
  fix: string[];
  links: AlertLink[];
  orgs: AlertOrg[];
  /** Orgs in the thread and those still down. */
  counts: { total: number; open: number };
  /** When the thread opened and (once resolved) when it ended, ISO. */
  openedAt: string;
  resolvedAt: string | null;
  /** What changed since the thread's previous message, one line each (cause changes, joins). */
  changes: string[];
  /** True when the org flaps (several opens and resolves within an hour). */
  flapping: boolean;
  /** The full message as plain text (e-mail body, webhook `text`, Slack fallback). */
  text: string;
  /** How to re-check, e.g. `orgwatch check --config /etc/orgwatch.yaml --org acme`. */
  recheck: string | null;
  /** The org's page on the status page (`server.publicUrl`), for a one-org message. */
  pageUrl?: string;
  /**
   * Buttons ("Re-check now", "Silence 1 h") while firing, when Slack interactivity is set up;
   * `value` names the thread they act on (never a secret).
   */
  actions?: { value: string };
}

/** What the notifier returned about the thread's first message, to reply to it later. */
export interface ThreadRef {
  /** Slack `channel:ts` of the root, e-mail Message-ID of the first mail; null before the first. */
  rootRef: string | null;
}

export type { FailureReason } from "../domain/alerts.js";

/** The answer of one send. */
export type SendResult =
  | {
      ok: true;
      /** For the thread's first message: what later messages reply to (see ThreadRef). */
      ref?: string;
    }
  | {
      ok: false;
      /** Worth trying again later (5xx, 429, timeout, connection refused). */
      retryable: boolean;
      reason: FailureReason;
      /** Secret-free detail for logs, e.g. `channel_not_found`. */
      detail: string;
      /** The peer asked to wait this long (Slack 429 Retry-After). */
      retryAfterMs?: number;
      /** The notifier cannot work until its config is fixed (invalid_auth, channel_not_found). */
      disable?: boolean;
    };

/**
 * One alert channel. `send` never throws for a peer's failure: it answers with the reason and
 * whether a retry can help (Alertmanager's Notifier). It must honour the signal (a deadline).
 */
export interface Notifier {
  readonly name: string;
  readonly kind: NotifierKind;
  send(message: AlertMessage, thread: ThreadRef, signal: AbortSignal): Promise<SendResult>;
  /**
   * After a crash between a send and its record, asks the peer whether the delivery arrived
   * (Slack: the message metadata carries the delivery id). `found` with the ref it got; null
   * when the peer cannot tell (then the delivery is sent again, and the peer's own dedup key
   * or Message-ID keeps the copy harmless).
   */
  confirm?(
    message: AlertMessage,
    thread: ThreadRef,
    signal: AbortSignal,
  ): Promise<{ found: boolean; ref?: string } | null>;
  /**
   * Posts one line (Slack mrkdwn, already escaped) as a reply in a thread: who pressed which
   * button and what it did. Only notifiers with threads a person can act in have it (Slack).
   */
  replyInThread?(
    where: { channel: string; threadTs: string },
    text: string,
    signal: AbortSignal,
  ): Promise<SendResult>;
}
