import type { SendResult } from "../types.js";
import { parseRetryAfter, scrub, truncate } from "./format.js";

/** The most of a peer's answer read, and the most of it that reaches a detail. */
const MAX_BODY_BYTES = 65_536;
const MAX_DETAIL = 300;

/** One JSON POST; `peer` names the target in details ("the webhook URL"), never the URL. */
export interface PostRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  peer: string;
  /** Values to scrub from any text a detail quotes (the URL, a key). */
  secrets: readonly string[];
  now: () => number;
}

/** What came back: an HTTP answer, or a SendResult for a failure before any answer. */
export type PostOutcome =
  | { kind: "answer"; status: number; headers: Headers; body: string }
  | { kind: "failed"; result: SendResult & { ok: false } };

/**
 * POSTs with node's fetch under the caller's signal and the notifier's own timeout. Redirects
 * are never followed (a 3xx is an answer the caller rejects): following one would send the body,
 * and its signature, to wherever a misconfigured or hostile peer points.
 */
export async function postJson(req: PostRequest): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  try {
    const res = await fetch(req.url, {
      method: "POST",
      headers: req.headers,
      body: req.body,
      redirect: "manual",
      signal,
    });
    const body = await readCapped(res);
    return { kind: "answer", status: res.status, headers: res.headers, body };
  } catch (err) {
    return { kind: "failed", result: fetchFailure(err, req, timeout.aborted) };
  }
}

async function readCapped(res: Response): Promise<string> {
  if (res.body === null) return "";
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, MAX_BODY_BYTES);
}

function fetchFailure(
  err: unknown,
  req: PostRequest,
  timedOut: boolean,
): SendResult & { ok: false } {
  if (timedOut) {
    return {
      ok: false,
      retryable: true,
      reason: "timeout",
      detail: `no answer from ${req.peer} within ${req.timeoutMs} ms`,
    };
  }
  if (req.signal.aborted) {
    return {
      ok: false,
      retryable: true,
      reason: "timeout",
      detail: `send to ${req.peer} cancelled (the delivery's deadline passed)`,
    };
  }
  // undici throws `TypeError: fetch failed` with the system error as its cause; only the code
  // is kept, since the cause's message names the host and port, part of a secret URL.
  const code = networkCode(err);
  return {
    ok: false,
    retryable: true,
    reason: "network",
    detail: `could not reach ${req.peer} (${code})`,
  };
}

function networkCode(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^[A-Z0-9_]+$/.test(code)) return code;
    current = current.cause;
  }
  return "network error";
}

/**
 * Maps an HTTP answer that is not a success to a SendResult: 429 waits (Retry-After), 5xx is
 * retried, 401/403 disable the notifier until its config is fixed, any other status (3xx
 * included, since redirects are not followed) is rejected for good. `explain` is the peer's own
 * words, already secret-free or scrubbed here.
 */
export function answerFailure(
  status: number,
  headers: Headers,
  explain: string,
  req: Pick<PostRequest, "peer" | "secrets" | "now">,
): SendResult & { ok: false } {
  const said = truncate(scrub(explain.replace(/\s+/g, " ").trim(), req.secrets), MAX_DETAIL);
  const detail = `${req.peer} answered HTTP ${status}${said === "" ? "" : `: ${said}`}`;
  const retryAfterMs = parseRetryAfter(headers.get("retry-after"), req.now());
  const wait = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429)
    return { ok: false, retryable: true, reason: "rate_limited", detail, ...wait };
  if (status >= 500) return { ok: false, retryable: true, reason: "server_error", detail, ...wait };
  if (status === 401 || status === 403) {
    return { ok: false, retryable: false, reason: "auth", detail, disable: true };
  }
  if (status >= 300 && status < 400) {
    return {
      ok: false,
      retryable: false,
      reason: "rejected",
      detail: `${req.peer} answered HTTP ${status} (a redirect; redirects are not followed)`,
    };
  }
  return { ok: false, retryable: false, reason: "rejected", detail };
}

/**
 * The result of one POST: a transport failure as it is, any 2xx as success, anything else
 * through answerFailure with the peer's words (`explain` may pick them out of the body).
 */
export function resultOf(
  out: PostOutcome,
  req: Pick<PostRequest, "peer" | "secrets" | "now">,
  explain: (body: string) => string = (body) => body,
): SendResult {
  if (out.kind === "failed") return out.result;
  if (out.status >= 200 && out.status < 300) return { ok: true };
  return answerFailure(out.status, out.headers, explain(out.body), req);
}
