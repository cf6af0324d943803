import { z } from "zod";
import { CHECK_IDS } from "../domain/stages.js";
import { Secret } from "../platform/secret.js";
import { alertingPolicySchema } from "./alerting.js";
import { durationField, typeHint } from "./fields.js";

const httpsUrl = z.string().transform((text, ctx) => {
  let url: URL | null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) {
    const guess = text.includes("://") ? text : `https://${text}`;
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(text)} is not a URL; write ${guess.replace(/\/$/, "")}`,
    });
    return z.NEVER;
  }
  return url.toString().replace(/\/$/, "");
});

const checkList = z
  .array(z.enum(CHECK_IDS, { error: () => `must be one of ${CHECK_IDS.join(", ")}` }))
  .min(1, "list at least one check, e.g. [token]")
  .refine((list) => list.includes("token"), {
    message: "include token: every other check uses its access token",
  });

/** Settings every org inherits unless it overrides them. */
const overridable = {
  interval: durationField,
  timeout: durationField,
  apiVersion: z
    .string({
      error: typeHint((given) =>
        typeof given === "number"
          ? `quote it so it stays a string: "${given.toFixed(1)}"`
          : 'must be a version string like "65.0"',
      ),
    })
    .regex(/^\d{2,3}\.0$/, 'must look like "65.0" (quote it in YAML so it stays a string)'),
  checks: checkList,
  loginBudgetPerHour: z
    .number()
    .int()
    .min(1, "must be at least 1")
    .max(3600, "must be at most 3600, Salesforce's own per-user login limit"),
  failureThreshold: z.number().int().min(1),
  successThreshold: z.number().int().min(1),
  /** Skip the API ladder when DailyApiRequests remaining is below this share of the maximum. */
  apiFloorPercent: z.number().min(0).max(100),
  /** The longest back-off after repeated non-transient failures. */
  maxBackoff: durationField,
};

export const defaultsSchema = z.strictObject({
  interval: overridable.interval.prefault("5m"),
  timeout: overridable.timeout.prefault("10s"),
  apiVersion: overridable.apiVersion.default("65.0"),
  checks: overridable.checks.default([...CHECK_IDS]),
  loginBudgetPerHour: overridable.loginBudgetPerHour.default(36),
  failureThreshold: overridable.failureThreshold.default(2),
  successThreshold: overridable.successThreshold.default(1),
  apiFloorPercent: overridable.apiFloorPercent.default(10),
  maxBackoff: overridable.maxBackoff.prefault("1h"),
});

/** Resolved defaults, all durations in milliseconds. */
export type Defaults = z.output<typeof defaultsSchema>;

export const orgSchema = z.strictObject({
  id: z
    .string({ error: "is required: a short unique id like acme-prod" })
    .regex(/^[a-z0-9_-]{1,64}$/, "must be 1-64 characters of a-z, 0-9, _ or -"),
  name: z.string().min(1).optional(),
  loginUrl: httpsUrl,
  audience: httpsUrl.optional(),
  clientId: z
    .string({
      error: (i) =>
        i.input === undefined
          ? "is required: the app's Consumer Key"
          : "must be text: quote the Consumer Key in YAML",
    })
    .min(1),
  username: z
    .string({
      error: (i) =>
        i.input === undefined
          ? "is required: the integration user's Salesforce username"
          : "must be text: the integration user's Salesforce username",
    })
    .min(3),
  privateKeyFile: z.string().min(1).optional(),
  privateKey: z.string().min(1).optional(),
  certificateFile: z.string().min(1).optional(),
  /** When the app or this entry was set up (ISO date); helps tell propagation from a bad client id. */
  createdAt: z.iso.datetime({ offset: true }).optional(),
  /** The app's 0Ci... AppManifest id and owning org id, for the install link in fix steps. */
  appId: z
    .string()
    .regex(/^0Ci[A-Za-z0-9]{12,15}$/, "must be the app's 0Ci... id")
    .optional(),
  appOrgId: z
    .string()
    .regex(/^00D[A-Za-z0-9]{12,15}$/, "must be the owning org's 00D... id")
    .optional(),
  /** The permission set that pre-authorizes the integration user, named in fix steps. */
  permissionSet: z.string().min(1).optional(),
  tags: z.array(z.string().min(1)).default([]),
  interval: overridable.interval.optional(),
  timeout: overridable.timeout.optional(),
  apiVersion: overridable.apiVersion.optional(),
  checks: overridable.checks.optional(),
  loginBudgetPerHour: overridable.loginBudgetPerHour.optional(),
  failureThreshold: overridable.failureThreshold.optional(),
  successThreshold: overridable.successThreshold.optional(),
  apiFloorPercent: overridable.apiFloorPercent.optional(),
  maxBackoff: overridable.maxBackoff.optional(),
});

/** An org entry as written, after schema checks and before keys are read. */
export type OrgEntry = z.output<typeof orgSchema>;

const listenField = z
  .string({
    error: typeHint((given) =>
      typeof given === "number"
        ? `must be host:port in quotes, e.g. "0.0.0.0:${String(given)}" or "127.0.0.1:${String(given)}"`
        : 'must be host:port, e.g. "127.0.0.1:9464"',
    ),
  })
  .regex(/^[^\s:]*:\d{1,5}$/, 'must be host:port, e.g. "127.0.0.1:9464"');

export const topSchema = z.strictObject({
  /** Files (globs, relative to the config) whose `orgs:` lists join this one's. */
  include: z.preprocess(
    (v) => v ?? [],
    z.array(z.string().min(1, "must be a path or glob like orgs/*.yaml"), {
      error: "must be a list of files or globs, e.g. [orgs/*.yaml]",
    }),
  ),
  server: z
    .strictObject({
      listen: listenField.default("127.0.0.1:9464"),
      apiToken: z.string().min(16, "must be at least 16 characters").optional(),
      /** Where people reach this server (share links and page links are built under it). */
      publicUrl: httpsUrl.optional(),
      /** Signs share links (HMAC-SHA256); rotating it revokes every link given out. */
      shareSecret: z
        .string()
        .min(32, "must be at least 32 characters, e.g. the output of `openssl rand -hex 32`")
        .transform((v) => new Secret(v))
        .optional(),
    })
    .prefault({}),
  /** Slack interactivity: alert buttons answered at POST /slack/interactions. */
  slack: z
    .strictObject({
      signingSecret: z
        .string({
          error: "is required: the Slack app's Signing Secret, e.g. ${SLACK_SIGNING_SECRET}",
        })
        .min(
          16,
          "must be the Slack app's Signing Secret (Basic Information), e.g. ${SLACK_SIGNING_SECRET}",
        )
        .transform((v) => new Secret(v)),
    })
    .optional(),
  storage: z
    .strictObject({
      sqlite: z.string().min(1).default("./data/orgwatch.db"),
      retention: z
        .strictObject({
          raw: durationField.prefault("14d"),
          hourly: durationField.prefault("90d"),
          daily: durationField.prefault("400d"),
        })
        .prefault({}),
    })
    .prefault({}),
  // A scheduler block without `kind` is the in-process one, so a typo in another field is
  // reported against that field, not as a missing kind.
  scheduler: z.preprocess(
    (v) =>
      typeof v === "object" && v !== null && !("kind" in v) ? { kind: "inprocess", ...v } : v,
    z
      .discriminatedUnion(
        "kind",
        [
          z.strictObject({
            kind: z.literal("inprocess"),
            concurrency: z.number().int().min(1).max(1024).default(32),
          }),
          z.strictObject({
            kind: z.literal("redis"),
            concurrency: z.number().int().min(1).max(1024).default(32),
            // Checks the coordinator keeps admitted and unrecorded (queued in Redis or running)
            // over all workers; unset: 4 x concurrency. A job spends time in Redis both ways, so
            // workers idle unless some wait queued for them: give it about twice the sum of the
            // workers' --concurrency.
            maxInFlight: z.number().int().min(1).max(100_000).optional(),
            redisUrl: z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL"),
            // Every queue and the coordinator lease live under this key prefix.
            prefix: z
              .string()
              .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, _ . or -")
              .default("orgwatch"),
            // A standby takes over at most this long (plus a second) after the active one dies.
            leaseTtl: durationField.prefault("10s"),
            // A worker that stops renewing a job's lock this long (killed) gets it run elsewhere.
            stalledAfter: durationField.prefault("30s"),
          }),
        ],
        { error: () => "kind must be inprocess or redis" },
      )
      .prefault({ kind: "inprocess" }),
  ),
  metrics: z.strictObject({ perOrg: z.boolean().default(true) }).prefault({}),
  defaults: defaultsSchema.prefault({}),
  notifiers: z.preprocess(
    (v) => v ?? [],
    z.array(z.unknown(), { error: "must be a list of notifier entries" }),
  ),
  routes: z.preprocess((v) => v ?? [], z.array(z.unknown(), { error: "must be a list of routes" })),
  silences: z.preprocess(
    (v) => v ?? [],
    z.array(z.unknown(), { error: "must be a list of silences" }),
  ),
  alerting: alertingPolicySchema,
  orgs: z.preprocess(
    (v) => v ?? [],
    z.array(z.unknown(), { error: "must be a list of org entries" }),
  ),
});

/** The validated top level; `orgs` are still raw and are checked one by one. */
export type TopConfig = z.output<typeof topSchema>;
