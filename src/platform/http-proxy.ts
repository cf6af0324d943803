import { EnvHttpProxyAgent, request, type Dispatcher } from "undici";
import {
  createHttpSend,
  HttpFailure,
  type HttpResponse,
  type HttpSend,
  type LookupFn,
} from "./http.js";

/**
 * Egress proxies as the environment names them (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), read by the
 * composition root and passed in: "" means none.
 */
export interface ProxySettings {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/** Whether the settings send anything through a proxy. */
export function usesProxy(proxy: ProxySettings | undefined): proxy is ProxySettings {
  return proxy !== undefined && (proxy.httpProxy !== "" || proxy.httpsProxy !== "");
}

/**
 * The sender over undici's `request` with an `EnvHttpProxyAgent`: HTTPS_PROXY / HTTP_PROXY by
 * scheme, NO_PROXY hosts direct. The same promises as the node:http sender: redirects are never
 * followed (undici's request follows none), one deadline (the call's timeout and the pass's
 * signal), the body cut at the cap, DNS pins for every connection orgwatch opens itself (the
 * proxy's, or the target's when NO_PROXY bypasses it; a proxy resolves the names it connects to).
 */
export function createUndiciSend(
  options: { lookup?: LookupFn; userAgent?: string; proxy?: ProxySettings } = {},
): HttpSend {
  const connect = options.lookup ? { lookup: options.lookup } : {};
  // Explicit strings, never undefined: undici would fall back to process.env on its own.
  const dispatcher: Dispatcher = new EnvHttpProxyAgent({
    httpProxy: options.proxy?.httpProxy ?? "",
    httpsProxy: options.proxy?.httpsProxy ?? "",
    noProxy: options.proxy?.noProxy ?? "",
    connect,
    proxyTls: connect,
  });
  return async (req) => {
    const deadline = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
    const maxBytes = req.maxBytes ?? 1_048_576;
    try {
      const res = await request(req.url, {
        dispatcher,
        method: req.method,
        headers: {
          "user-agent": options.userAgent ?? "orgwatch/0.1",
          accept: "application/json",
          ...req.headers,
        },
        ...(req.body === undefined ? {} : { body: req.body }),
        signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
          res.body.destroy();
          return response(res.statusCode, res.headers, chunks, true);
        }
        chunks.push(chunk);
      }
      return response(res.statusCode, res.headers, chunks, false);
    } catch (err) {
      if (deadline.aborted) throw new HttpFailure("timeout", "ETIMEDOUT");
      if (req.signal?.aborted) throw new HttpFailure("timeout", "ABORTED");
      throw new HttpFailure("network", failureCode(err));
    }
  };
}

/** Node's code for a failed connection; a proxy's refusal of the tunnel as PROXY_<status>. */
function failureCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  const refused = /Proxy response \((\d+)\)/.exec(typeof e.message === "string" ? e.message : "");
  if (refused) return `PROXY_${refused[1] ?? ""}`;
  if (typeof e.cause?.code === "string") return e.cause.code;
  if (typeof e.code === "string") return e.code;
  return "ECONNRESET";
}

function response(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  chunks: Buffer[],
  truncated: boolean,
): HttpResponse {
  return {
    status,
    headers,
    body: Buffer.concat(chunks).toString("utf8"),
    truncated,
  };
}

/** The sender for Salesforce calls: through undici when a proxy is configured, else node:http. */
export function createSender(
  options: { lookup?: LookupFn; userAgent?: string; proxy?: ProxySettings } = {},
): HttpSend {
  const { proxy, ...rest } = options;
  return usesProxy(proxy) ? createUndiciSend(options) : createHttpSend(rest);
}
