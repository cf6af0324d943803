import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";

/** A finished HTTP exchange; the body is cut at the size cap. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  truncated: boolean;
}

/** Why no HTTP response came back. Carries Node's error code, never the request. */
export class HttpFailure extends Error {
  constructor(
    readonly kind: "network" | "timeout",
    readonly networkCode: string,
  ) {
    super(kind === "timeout" ? "request timed out" : `connection failed (${networkCode})`);
    this.name = "HttpFailure";
  }
}

/** One outgoing request. Redirects are never followed: a redirect is evidence. */
export interface HttpRequestOptions {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

/** Sends requests; injected so tests and the composition root choose the wire. */
export type HttpSend = (options: HttpRequestOptions) => Promise<HttpResponse>;

/** A `dns.lookup`-shaped resolver (the pins). */
export type LookupFn = typeof dnsLookup;

/**
 * Parses `--resolve`-style pins, `*.salesforce.com=127.0.0.1,login.example=10.0.0.5`, into a DNS
 * lookup that answers matching host names with the pinned address (like curl --resolve). The
 * most specific pattern wins; an empty address (`*.pending.example=`) answers ENOTFOUND, so a
 * test can have a name not resolve without asking any DNS server.
 */
export function pinnedLookup(rules: string): LookupFn | undefined {
  const pins = rules
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => {
      const [pattern = "", address = ""] = r.split("=");
      return { pattern: pattern.toLowerCase(), address };
    });
  if (pins.length === 0) return undefined;
  const matches = (p: { pattern: string }, host: string): boolean =>
    p.pattern.startsWith("*.") ? host.endsWith(p.pattern.slice(1)) : host === p.pattern;
  const specificity = (pattern: string): number =>
    pattern.startsWith("*.") ? pattern.length : Number.MAX_SAFE_INTEGER;
  const match = (host: string): string | undefined =>
    pins
      .filter((p) => matches(p, host))
      .sort((a, b) => specificity(b.pattern) - specificity(a.pattern))[0]?.address;
  const lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (
      err: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    const address = match(hostname.toLowerCase());
    if (address === undefined) {
      dnsLookup(hostname, options, callback);
      return;
    }
    if (address === "") {
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = "ENOTFOUND";
      callback(err, options.all ? [] : "", undefined);
      return;
    }
    const family = address.includes(":") ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return lookup as LookupFn;
}

/** Builds the sender: node:http(s), a per-call timeout covering the whole exchange, a body cap. */
export function createHttpSend(options: { lookup?: LookupFn; userAgent?: string } = {}): HttpSend {
  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const url = new URL(req.url);
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const maxBytes = req.maxBytes ?? 1_048_576;
      const headers: Record<string, string> = {
        "user-agent": options.userAgent ?? "orgwatch/0.1",
        accept: "application/json",
        ...req.headers,
      };
      if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const outgoing = send(
        url,
        {
          method: req.method,
          headers,
          ...(options.lookup ? { lookup: options.lookup } : {}),
          ...(req.signal ? { signal: req.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let truncated = false;
          res.on("data", (chunk: Buffer) => {
            if (truncated) return;
            size += chunk.length;
            if (size > maxBytes) {
              truncated = true;
              chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
              res.destroy();
              finish(() => resolve(done(res.statusCode ?? 0, res.headers, chunks, true)));
              return;
            }
            chunks.push(chunk);
          });
          res.on("end", () =>
            finish(() => resolve(done(res.statusCode ?? 0, res.headers, chunks, false))),
          );
          res.on("error", (err: NodeJS.ErrnoException) =>
            finish(() => reject(new HttpFailure("network", err.code ?? "ECONNRESET"))),
          );
          res.on("aborted", () =>
            finish(() => resolve(done(res.statusCode ?? 0, res.headers, chunks, true))),
          );
        },
      );
      const timer = setTimeout(() => {
        finish(() => reject(new HttpFailure("timeout", "ETIMEDOUT")));
        outgoing.destroy();
      }, req.timeoutMs);
      outgoing.on("error", (err: NodeJS.ErrnoException) =>
        finish(() =>
          reject(
            err.name === "AbortError"
              ? new HttpFailure("timeout", "ABORTED")
              : new HttpFailure("network", err.code ?? "ECONNRESET"),
          ),
        ),
      );
      if (req.body !== undefined) outgoing.write(req.body);
      outgoing.end();
    });
}

function done(
  status: number,
  headers: IncomingHttpHeaders,
  chunks: Buffer[],
  truncated: boolean,
): HttpResponse {
  return { status, headers, body: Buffer.concat(chunks).toString("utf8"), truncated };
}
