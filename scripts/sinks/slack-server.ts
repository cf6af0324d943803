/**
 * A local Slack Web API peer on 127.0.0.1 for the real `@slack/web-api` client: `POST
 * /api/<method>`, form or JSON bodies, bearer tokens, `{ok, error}` answers, stored messages and
 * threads, and programmable faults. Every behaviour cites slack.md (shared/reference/slack.md).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  BOT,
  Workspace,
  fail,
  type Answer,
  type ChannelSpec,
  type StoredMessage,
} from "./slack-methods.js";

export type { StoredMessage } from "./slack-methods.js";

/** A bot token the peer knows, its scopes, and what Slack would say about it (slack.md §9.3). */
export interface TokenSpec {
  scopes: string[];
  state?: "active" | "token_revoked" | "account_inactive" | "token_expired";
}

/** A fault for the next calls (slack.md §9 item 10). */
export type SlackFault =
  /** HTTP 429, `Retry-After: <n>` (null: no header), body `ratelimited` (slack.md §6). */
  | { kind: "ratelimit"; retryAfter: number | null }
  /** Any other status, e.g. 500/503, with an HTML or JSON body (slack.md §1.2). */
  | { kind: "status"; status: number; body?: string; contentType?: string }
  /** Never answers (until the server closes): the client's timeout or our signal ends it. */
  | { kind: "hang" }
  /** Drops the connection without an answer: a network error (slack.md §1.2). */
  | { kind: "drop" }
  /** HTTP 200 `{ok:false,error}` with optional extra fields (slack.md §2.3). */
  | { kind: "error"; error: string; extra?: Record<string, unknown> };

/** One request as it arrived; the Authorization value is never kept, only its shape. */
export interface RecordedCall {
  method: string;
  headers: Record<string, string>;
  auth: "bearer" | "form_token" | "none";
  tokenKnown: boolean;
  fields: Record<string, unknown>;
  rawBody: string;
  status: number | null;
  answer: Record<string, unknown> | null;
}

/** The peer and what it saw. */
export interface SlackServer {
  /** The `slackApiUrl` for the client, `http://127.0.0.1:<port>/api/`. */
  apiUrl: string;
  calls: RecordedCall[];
  /** Top-level messages of a channel, oldest first. */
  messages(channel: string): StoredMessage[];
  /** The replies whose `thread_ts` is `ts`, oldest first. */
  thread(ts: string): StoredMessage[];
  /** Every stored message. */
  all(): StoredMessage[];
  /** Answers the next `times` calls (of `method`, or any) with `fault`. */
  fail(fault: SlackFault, options?: { times?: number; method?: string }): void;
  /** A message by a person in a channel (a bot cannot edit it: `cant_update_message`). */
  seed(channel: string, text: string): StoredMessage;
  close(): Promise<void>;
}

/** Which scope a method needs (slack.md §2 `chat:write`; conversations.* `*:history`). */
function neededScope(method: string, channel: unknown): string | null {
  if (method.startsWith("chat.")) return "chat:write";
  if (method.startsWith("conversations.")) {
    return typeof channel === "string" && channel.startsWith("G")
      ? "groups:history"
      : "channels:history";
  }
  return null;
}

/** Form fields as Slack reads them: `"true"`/`"false"` are booleans (slack.md §9 item 2). */
function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith("application/json")) {
    return raw === "" ? {} : (JSON.parse(raw) as Record<string, unknown>);
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    fields[key] = value === "true" ? true : value === "false" ? false : value;
  }
  return fields;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, answer: Answer): void {
  // JSON with `Content-Type: application/json; charset=utf-8` (slack.md §9 item 4).
  res.writeHead(answer.status, {
    "content-type": "application/json; charset=utf-8",
    ...answer.headers,
  });
  res.end(JSON.stringify(answer.body));
}

/** Starts the peer on 127.0.0.1, port 0. */
export async function startSlackServer(
  options: {
    tokens?: Record<string, TokenSpec>;
    channels?: ChannelSpec[];
    unknownThreadTs?: "orphan" | "thread_not_found";
    now?: () => number;
  } = {},
): Promise<SlackServer> {
  const tokens = options.tokens ?? {};
  const ws = new Workspace(
    options.channels ?? [{ id: "C0ALERTS" }],
    options.now ?? (() => Date.now()),
    options.unknownThreadTs,
  );
  const calls: RecordedCall[] = [];
  const faults: { fault: SlackFault; left: number; method?: string }[] = [];

  function authenticate(header: string | undefined, fields: Record<string, unknown>) {
    // `Authorization: Bearer <token>`, or a `token` form field (slack.md §1.1, §9 item 3).
    const bearer = header?.startsWith("Bearer ") === true ? header.slice(7) : undefined;
    const formToken = typeof fields.token === "string" ? fields.token : undefined;
    const token = bearer ?? formToken;
    const auth: RecordedCall["auth"] =
      bearer !== undefined ? "bearer" : formToken !== undefined ? "form_token" : "none";
    return { auth, token, spec: token === undefined ? undefined : tokens[token] };
  }

  function answer(method: string, fields: Record<string, unknown>, spec: TokenSpec): Answer {
    const needed = neededScope(method, fields.channel);
    if (needed !== null && !spec.scopes.includes(needed)) {
      // `missing_scope` carries `needed` and `provided` (slack.md §2.3).
      return fail("missing_scope", { needed, provided: spec.scopes.join(",") });
    }
    switch (method) {
      case "auth.test": // slack.md §4
        return {
          status: 200,
          body: {
            ok: true,
            url: "https://local.slack.test/",
            team: "Local",
            user: "orgwatch",
            ...BOT,
          },
        };
      case "chat.postMessage":
        return ws.postMessage(fields);
      case "chat.update":
        return ws.update(fields);
      case "conversations.history":
        return ws.history(fields);
      case "conversations.replies":
        return ws.replies(fields);
      default: // slack.md §9 item 1
        return fail("unknown_method");
    }
  }

  function takeFault(method: string): SlackFault | null {
    const i = faults.findIndex((f) => f.method === undefined || f.method === method);
    const entry = i < 0 ? undefined : faults[i];
    if (entry === undefined) return null;
    entry.left -= 1;
    if (entry.left <= 0) faults.splice(i, 1);
    return entry.fault;
  }

  /** The answer to one call: a fault if one is queued, else auth, then the method. */
  function respond(
    routed: boolean,
    method: string,
    fields: Record<string, unknown>,
    token: string | undefined,
    spec: TokenSpec | undefined,
  ): Answer | { status: number; contentType: string; raw: string } | "hang" | "drop" {
    if (!routed) return fail("unknown_method");
    const fault = takeFault(method);
    switch (fault?.kind) {
      case "hang":
      case "drop":
        return fault.kind;
      case "ratelimit": {
        const retry = fault.retryAfter === null ? {} : { "retry-after": String(fault.retryAfter) };
        return { status: 429, body: { ok: false, error: "ratelimited" }, headers: retry };
      }
      case "status":
        return {
          status: fault.status,
          contentType: fault.contentType ?? "text/html",
          raw: fault.body ?? "<html><body>Service Unavailable</body></html>",
        };
      case "error":
        return fail(fault.error, fault.extra);
      case undefined:
        break;
    }
    // no token → `not_authed`; unknown → `invalid_auth`; scripted states (slack.md §9.3)
    if (token === undefined) return fail("not_authed");
    if (spec === undefined) return fail("invalid_auth");
    if (spec.state !== undefined && spec.state !== "active") return fail(spec.state);
    const a = answer(method, fields, spec);
    // `x-oauth-scopes` on every authenticated answer (slack.md §1.2, §9 item 5)
    return { ...a, headers: { ...a.headers, "x-oauth-scopes": spec.scopes.join(",") } };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const match = /^\/api\/([A-Za-z.]+)$/.exec(req.url ?? "");
      const method = match?.[1] ?? "";
      const fields = parseBody(raw, req.headers["content-type"] ?? "");
      const { auth, token, spec } = authenticate(req.headers.authorization, fields);
      const headers = Object.fromEntries(
        Object.entries(req.headers)
          .filter(([k]) => k !== "authorization")
          .map(([k, v]) => [k, String(v)]),
      );
      const call: RecordedCall = {
        method,
        headers,
        auth,
        tokenKnown: spec !== undefined,
        fields: Object.fromEntries(Object.entries(fields).filter(([k]) => k !== "token")),
        rawBody: raw,
        status: null,
        answer: null,
      };
      calls.push(call);
      const outcome = respond(match !== null && req.method === "POST", method, fields, token, spec);
      if (outcome === "hang") return;
      if (outcome === "drop") {
        req.socket.destroy();
        return;
      }
      call.status = outcome.status;
      if ("raw" in outcome) {
        res.writeHead(outcome.status, { "content-type": outcome.contentType });
        res.end(outcome.raw);
        return;
      }
      call.answer = outcome.body;
      send(res, outcome);
    })().catch(() => {
      if (!res.headersSent) send(res, fail("invalid_form_data"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    messages: (channel) =>
      ws.store.filter((m) => m.channel === channel && (m.thread_ts ?? m.ts) === m.ts),
    thread: (ts) => ws.store.filter((m) => m.thread_ts === ts && m.ts !== ts),
    all: () => [...ws.store],
    fail(fault, { times = 1, method } = {}) {
      faults.push({ fault, left: times, ...(method !== undefined ? { method } : {}) });
    },
    seed(channel, text) {
      const m: StoredMessage = {
        channel,
        ts: ws.nextTs(),
        text,
        reply_broadcast: false,
        bot_id: null,
        user: "U0PERSON",
      };
      ws.store.push(m);
      return m;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
