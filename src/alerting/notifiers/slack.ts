import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type FetchFunction,
  type Logger as SlackLogger,
} from "@slack/web-api";
import type { SlackNotifierConfig } from "../../config/alerting.js";
import type { Logger } from "../../platform/logger.js";
import { renderSlack } from "../slack-blocks.js";
import {
  ROOT_EDIT_SKIPPABLE,
  httpFailure,
  platformFailure,
  rateLimitFailure,
  safeCode,
  timeoutFailure,
  type SendFailure,
} from "../slack-errors.js";
import type { AlertMessage, Notifier, SendResult, ThreadRef } from "../types.js";

/** The metadata `event_type` of every orgwatch message; `confirm` looks for it. */
export const SLACK_EVENT_TYPE = "orgwatch_alert";

interface Root {
  channel: string;
  ts: string;
}

/** `C123:1700000000.000100` → channel and ts; null when there is no root or it is malformed. */
export function parseSlackRef(ref: string | null): Root | null {
  const match = ref === null ? null : /^([A-Z0-9]+):(\d+\.\d+)$/.exec(ref);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { channel: match[1], ts: match[2] }
    : null;
}

/**
 * The Slack client's logger, sent to ours at the same levels. Every line is cleaned of the token
 * first: the client redacts `token` keys, but a line it builds from other text is not checked.
 */
function slackLogger(logger: Logger | undefined, scrub: (s: string) => string): SlackLogger {
  const line =
    (level: "debug" | "info" | "warn" | "error") =>
    (...parts: unknown[]) => {
      logger?.[level]({ slack: true }, scrub(parts.map((p) => String(p)).join(" ")));
    };
  return {
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}

/** Maps whatever the client threw to a send result; never a token, URL or raw body in detail. */
function toFailure(error: unknown, signal: AbortSignal): SendFailure {
  if (signal.aborted) return timeoutFailure("aborted");
  if (error instanceof WebAPIRateLimitedError) return rateLimitFailure(error.retryAfter);
  if (error instanceof WebAPIPlatformError) return platformFailure(error.data.error);
  if (error instanceof WebAPIHTTPError) return httpFailure(error.statusCode);
  if (error instanceof WebAPIRequestError) {
    const name = error.original.name;
    return name === "TimeoutError" || name === "AbortError"
      ? timeoutFailure()
      : { ok: false, retryable: true, reason: "network", detail: "connection_failed" };
  }
  // A 429 without a numeric Retry-After throws a plain Error (slack.md §1.4, §6).
  if (error instanceof Error && error.message.startsWith("Retry header did not contain")) {
    return rateLimitFailure(null);
  }
  return { ok: false, retryable: true, reason: "network", detail: "unexpected_error" };
}

/** Delivery metadata: lets `confirm` find a message after a crash (slack.md §2.1 `metadata`). */
function metadata(message: AlertMessage) {
  return {
    event_type: SLACK_EVENT_TYPE,
    event_payload: { delivery_id: message.deliveryId, thread_id: message.threadId },
  };
}

interface FoundMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

function carries(m: FoundMessage, deliveryId: string): boolean {
  return (
    m.metadata?.event_type === SLACK_EVENT_TYPE &&
    m.metadata.event_payload?.delivery_id === deliveryId
  );
}

/** Pages read by `confirm`, at most (each up to `CONFIRM_PAGE` messages). */
const CONFIRM_PAGES = 5;
const CONFIRM_PAGE = 100;
/** Slack's clock and ours may differ: look this far before the thread opened. */
const CONFIRM_SKEW_S = 600;

/**
 * Slack through a bot token (`chat.postMessage`, `chat.update`): a thread per incident, the
 * root edited to show the end. Retries are the caller's (`retryConfig: { retries: 0 }`).
 */
export function createSlackNotifier(
  config: SlackNotifierConfig,
  deps: { logger?: Logger } = {},
): Notifier {
  const logger = deps.logger?.child({ notifier: config.name, kind: "slack" });
  const scrub = (text: string): string => text.split(config.token.reveal()).join("<secret>");
  /** The failure of a call, with the token scrubbed from its detail, logged as `slack: <what>`. */
  const failed = (error: unknown, signal: AbortSignal, what: string): SendFailure => {
    const failure = toFailure(error, signal);
    const result = { ...failure, detail: scrub(failure.detail) };
    logger?.warn({ reason: result.reason, detail: result.detail }, `slack: ${what}`);
    return result;
  };

  /** One client a call, so the caller's signal aborts the HTTP request itself. */
  function client(signal: AbortSignal): WebClient {
    const fetchWithSignal: FetchFunction = (url, init) =>
      fetch(url, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
      });
    return new WebClient(config.token.reveal(), {
      slackApiUrl: config.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: config.timeout,
      allowAbsoluteUrls: false,
      logger: slackLogger(logger, scrub),
      fetch: fetchWithSignal,
    });
  }

  async function postRoot(web: WebClient, message: AlertMessage): Promise<SendResult> {
    const { text, blocks } = renderSlack(message);
    const res = await web.chat.postMessage({
      channel: config.channel,
      text,
      blocks,
      metadata: metadata(message),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (res.ts === undefined) return { ok: true };
    return { ok: true, ref: `${res.channel ?? config.channel}:${res.ts}` };
  }

  /** Marks the root resolved; a root that can no longer be edited does not stop the reply. */
  async function editRoot(web: WebClient, root: Root, message: AlertMessage): Promise<void> {
    const { text, blocks } = renderSlack({ ...message, kind: "open" });
    try {
      await web.chat.update({ channel: root.channel, ts: root.ts, text, blocks });
    } catch (error) {
      if (!(error instanceof WebAPIPlatformError) || !ROOT_EDIT_SKIPPABLE.has(error.data.error)) {
        throw error;
      }
      const detail = safeCode(error.data.error);
      logger?.warn({ detail }, "slack: the thread root could not be edited");
    }
  }

  async function send(
    message: AlertMessage,
    thread: ThreadRef,
    signal: AbortSignal,
  ): Promise<SendResult> {
    if (signal.aborted) return timeoutFailure("aborted");
    const root = parseSlackRef(thread.rootRef);
    const web = client(signal);
    try {
      if (message.kind === "open" || root === null) return await postRoot(web, message);
      // Edit first, then reply: a retry after a failed reply repeats only the idempotent edit.
      if (message.kind === "resolve") await editRoot(web, root, message);
      const { text, blocks } = renderSlack(message);
      await web.chat.postMessage({
        channel: root.channel,
        thread_ts: root.ts,
        text,
        blocks,
        metadata: metadata(message),
        unfurl_links: false,
        unfurl_media: false,
      });
      return { ok: true };
    } catch (error) {
      return failed(error, signal, "send failed");
    }
  }

  async function findIn(
    web: WebClient,
    message: AlertMessage,
    root: Root | null,
  ): Promise<{ found: boolean; ref?: string }> {
    let cursor: string | undefined;
    const oldest = Math.floor(Date.parse(message.openedAt) / 1000) - CONFIRM_SKEW_S;
    for (let page = 0; page < CONFIRM_PAGES; page++) {
      const common = {
        include_all_metadata: true,
        limit: CONFIRM_PAGE,
        ...(cursor ? { cursor } : {}),
      };
      const res =
        root === null
          ? await web.conversations.history({
              channel: config.channel,
              ...(Number.isFinite(oldest) ? { oldest: String(oldest) } : {}),
              ...common,
            })
          : await web.conversations.replies({ channel: root.channel, ts: root.ts, ...common });
      const hit = (res.messages as FoundMessage[] | undefined)?.find((m) =>
        carries(m, message.deliveryId),
      );
      if (hit !== undefined) {
        // Only a top-level message is a thread root that later messages reply to.
        return root === null && hit.ts !== undefined
          ? { found: true, ref: `${config.channel}:${hit.ts}` }
          : { found: true };
      }
      cursor = res.response_metadata?.next_cursor;
      if (cursor === undefined || cursor === "") break;
    }
    return { found: false };
  }

  async function replyInThread(
    where: { channel: string; threadTs: string },
    text: string,
    signal: AbortSignal,
  ): Promise<SendResult> {
    try {
      await client(signal).chat.postMessage({
        channel: where.channel,
        thread_ts: where.threadTs,
        text,
        unfurl_links: false,
        unfurl_media: false,
      });
      return { ok: true };
    } catch (error) {
      return failed(error, signal, "reply failed");
    }
  }

  return {
    name: config.name,
    kind: "slack",
    send,
    replyInThread,
    async confirm(message, thread, signal) {
      if (signal.aborted) return null;
      const root = message.kind === "open" ? null : parseSlackRef(thread.rootRef);
      try {
        return await findIn(client(signal), message, root);
      } catch (error) {
        failed(error, signal, "confirm failed");
        return null;
      }
    },
  };
}
