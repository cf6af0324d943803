import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Logger } from "../platform/logger.js";
import type { Secret } from "../platform/secret.js";
import type { RouteAuth } from "./access.js";

/** Slack's replay window: a request older (or newer) than this is refused. */
export const SLACK_MAX_SKEW_S = 5 * 60;

/** What a signature check found. */
export type SlackSignatureCheck = "ok" | "missing" | "stale" | "bad";

/**
 * Verifies Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`
 * under the app's signing secret, compared in constant time; a timestamp more than five minutes
 * from `nowMs` (either way) is stale, so a captured request cannot be replayed later.
 */
export function checkSlackSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  nowMs: number,
): SlackSignatureCheck {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || signature === undefined) return "missing";
  if (!/^\d{1,12}$/.test(timestamp)) return "bad";
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_MAX_SKEW_S) return "stale";
  const expected = Buffer.from(
    `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? "ok" : "bad";
}

/** One button press, as the monitor needs it (no token, no response_url). */
export interface SlackAction {
  actionId: string;
  /** The button's value: the alert thread it acts on. */
  value: string;
  user: { id: string; name: string };
  /** Where to reply: the channel and the thread's root ts. */
  channel: string;
  threadTs: string;
}

// Only the fields orgwatch reads of a `block_actions` payload; Slack sends many more.
const payloadSchema = z.object({
  type: z.literal("block_actions"),
  user: z.object({
    id: z.string().min(1),
    username: z.string().optional(),
    name: z.string().optional(),
  }),
  container: z.object({
    channel_id: z.string().min(1),
    message_ts: z.string().min(1),
    thread_ts: z.string().optional(),
  }),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z
    .array(z.object({ action_id: z.string().min(1), value: z.string().max(2000).optional() }))
    .min(1),
});

/** The action of a form body `payload=<JSON>`, or why it is not one. */
export function parseSlackPayload(rawBody: string): SlackAction | { error: string } {
  const payload = new URLSearchParams(rawBody).get("payload");
  if (payload === null) return { error: "the body has no payload field" };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { error: "payload is not JSON" };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `payload.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
  }
  const p = parsed.data;
  const action = p.actions[0] ?? { action_id: "", value: undefined };
  return {
    actionId: action.action_id,
    value: action.value ?? "",
    user: { id: p.user.id, name: p.user.username ?? p.user.name ?? p.user.id },
    channel: p.container.channel_id,
    threadTs: p.message?.thread_ts ?? p.container.thread_ts ?? p.container.message_ts,
  };
}

/** What the interactions route needs. */
export interface SlackInteractionsOptions {
  signingSecret: Secret;
  /** Acts on a verified press; the thread reply may follow after the answer to Slack. */
  act: (action: SlackAction) => void;
  now: () => number;
  logger?: Logger;
}

/**
 * Registers `POST /slack/interactions`: Slack's interactivity request URL. It is not behind the
 * API token (Slack cannot send one) but behind Slack's signature, checked on the raw body before
 * anything is parsed; a wrong or stale signature is 401. Slack wants an answer within 3 s, so
 * the route acts and answers 200 at once; the reply in the thread is posted after.
 */
export function registerSlackInteractions(
  app: FastifyInstance,
  options: SlackInteractionsOptions,
): void {
  void app.register((scope, _opts, done) => {
    // The raw text is what Slack signed: keep it as is (this scope only).
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: 64 * 1024 },
      (_req, body, next) => {
        next(null, body);
      },
    );
    // `auth: "own"`: the one auth hook (access.ts) leaves this route to its signature check.
    const auth: RouteAuth = "own";
    scope.post("/slack/interactions", { config: { auth } }, async (req, reply) => {
      const raw = typeof req.body === "string" ? req.body : "";
      const header = (name: string): string | undefined => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const check = checkSlackSignature(
        options.signingSecret.reveal(),
        { timestamp: header("x-slack-request-timestamp"), signature: header("x-slack-signature") },
        raw,
        options.now(),
      );
      if (check !== "ok") {
        options.logger?.warn({ check }, "slack interaction refused");
        const why =
          check === "stale"
            ? "request timestamp is more than 5 minutes off"
            : "signature missing or wrong";
        return reply.code(401).send({ error: `${why} (slack.signingSecret)` });
      }
      const action = parseSlackPayload(raw);
      if ("error" in action) return reply.code(400).send({ error: action.error });
      options.act(action);
      return reply.code(200).send();
    });
    done();
  });
}
