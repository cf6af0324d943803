import { z } from "zod";
import { CAUSE_IDS, OWNER_IDS } from "../domain/causes.js";
import { Secret } from "../platform/secret.js";
import { durationField } from "./fields.js";

const name = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, "must be lowercase letters, digits, - or _ (it is a metric label)");
const secret = z
  .string()
  .min(1, "must not be empty")
  .transform((v) => new Secret(v));
const url = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

const common = {
  name,
  /** Re-send an open incident's reminder this often (default alerting.reminderEvery). */
  reminderEvery: durationField.optional(),
  /** One send may take this long. */
  timeout: durationField.prefault("10s"),
};

/** Slack through a bot token (chat.postMessage / chat.update). */
export const slackNotifierSchema = z.strictObject({
  ...common,
  kind: z.literal("slack"),
  token: secret,
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, "must be a channel ID such as C0123ABC"),
  apiUrl: url.default("https://slack.com/api/"),
});

/** E-mail through SMTP (nodemailer). */
export const emailNotifierSchema = z.strictObject({
  ...common,
  kind: z.literal("email"),
  smtp: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false),
    user: z.string().optional(),
    password: secret.optional(),
  }),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1, "list at least one address"),
});

/** A JSON POST to a URL (treated as a secret: such URLs often embed a token). */
export const webhookNotifierSchema = z.strictObject({
  ...common,
  kind: z.literal("webhook"),
  url: url.transform((v) => new Secret(v)),
  /** Signs the body: `X-Orgwatch-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
  secret: secret.optional(),
});

/** PagerDuty Events API v2. */
export const pagerdutyNotifierSchema = z.strictObject({
  ...common,
  kind: z.literal("pagerduty"),
  routingKey: secret,
  apiUrl: url.default("https://events.pagerduty.com/v2/enqueue"),
});

/** One notifier entry, by kind. */
export const notifierSchema = z.discriminatedUnion(
  "kind",
  [slackNotifierSchema, emailNotifierSchema, webhookNotifierSchema, pagerdutyNotifierSchema],
  { error: () => "kind must be slack, email, webhook or pagerduty" },
);

/** A validated notifier entry. */
export type NotifierConfig = z.output<typeof notifierSchema>;
export type SlackNotifierConfig = z.output<typeof slackNotifierSchema>;
export type EmailNotifierConfig = z.output<typeof emailNotifierSchema>;
export type WebhookNotifierConfig = z.output<typeof webhookNotifierSchema>;
export type PagerdutyNotifierConfig = z.output<typeof pagerdutyNotifierSchema>;

const causeList = z.array(
  z.enum(CAUSE_IDS, { error: () => "is not a cause id (see orgwatch's failure catalogue)" }),
);

/** What a route or silence matches; every listed field must match, an empty match matches all. */
const matchSchema = z
  .strictObject({
    orgs: z.array(z.string()).optional(),
    tags: z.array(z.string()).optional(),
    causes: causeList.optional(),
    owners: z.array(z.enum(OWNER_IDS)).optional(),
  })
  .prefault({});

/** One route: first match wins unless `continue: true`. */
export const routeSchema = z.strictObject({
  match: matchSchema,
  notify: z.array(name).min(1, "name at least one notifier"),
  continue: z.boolean().default(false),
});

/** A silence or maintenance window. */
export const silenceSchema = z
  .strictObject({
    match: matchSchema,
    start: z.iso.datetime({
      offset: true,
      error: "must be an ISO time, e.g. 2026-12-01T22:00:00Z",
    }),
    end: z.iso.datetime({ offset: true, error: "must be an ISO time, e.g. 2026-12-02T02:00:00Z" }),
    comment: z.string().min(1, "say why (it is shown with the alerts it holds back)"),
  })
  .refine((s) => Date.parse(s.end) > Date.parse(s.start), {
    message: "end must be after start",
    path: ["end"],
  });

/** The alerting policy: how long to wait, group, remind and keep trying. */
export const alertingPolicySchema = z
  .strictObject({
    /** Wait this long after the first org of a cause before the first message, to group. */
    groupWait: durationField.prefault("30s"),
    /** At most one update a thread per this interval (changes are batched). */
    updateInterval: durationField.prefault("30s"),
    /** Orgs hit by the same cause join an open thread this young (else a new one starts). */
    groupMaxAge: durationField.prefault("1h"),
    reminderEvery: durationField.prefault("4h"),
    /** The first wait after a failed delivery; it doubles (with jitter) up to retryMax. */
    retryInitial: durationField.prefault("5s"),
    retryMax: durationField.prefault("10m"),
    /** A message not delivered by then is dropped (counted), except a resolve. */
    maxAge: durationField.prefault("1h"),
    /** Transient causes (app_propagating, salesforce_unavailable...) page only after this. */
    transientHold: durationField.prefault("15m"),
    /** This many opens within flapWindow mark an org as flapping (reminders go quiet). */
    flapCount: z.number().int().min(2).default(3),
    flapWindow: durationField.prefault("1h"),
    /** Days before a certificate's expiry at which a notice is sent, once each. */
    certificateDays: z.array(z.number().int().min(0)).default([30, 14, 7, 1]),
  })
  .prefault({});

export type RouteConfig = z.output<typeof routeSchema>;
export type SilenceConfig = z.output<typeof silenceSchema>;
export type AlertingPolicy = z.output<typeof alertingPolicySchema>;
export type MatchConfig = z.output<typeof matchSchema>;

/** The alerting part of a loaded config. */
export interface AlertingConfig {
  notifiers: NotifierConfig[];
  routes: RouteConfig[];
  silences: SilenceConfig[];
  policy: AlertingPolicy;
}
