import type { FastifyRequest } from "fastify";
import { cookieValue, sameText, SESSION_COOKIE, verifySession, verifyShare } from "./page-auth.js";

/** What the one auth hook needs to decide. */
export interface AccessOptions {
  /** Bearer token; when null the API and the status page answer loopback callers only. */
  apiToken: string | null;
  /** Signs share links; null when share links are off. */
  shareSecret: string | null;
  /** Epoch ms (the composition root passes the clock). */
  now: () => number;
}

/** The header through which a share page's "check now" proves its link. */
export const SHARE_HEADER = "x-orgwatch-share";
/** The header the status page's own calls send, so a cross-site form cannot ride the cookie. */
export const PAGE_HEADER = "x-orgwatch-page";

/** What a request may see: the decision of the one auth hook in api.ts. */
export type Access =
  | { kind: "public" }
  | { kind: "full"; via: "bearer" | "session" | "loopback" }
  | { kind: "share"; orgId: string; token: string; expiresAt: number }
  | { kind: "login" }
  | { kind: "denied"; status: 401 | 403 | 404; error: string };

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
const CHECK_PATH = /^\/api\/v1\/orgs\/([a-z0-9_-]{1,64})\/check$/;
const PUBLIC = new Set(["/healthz", "/readyz", "/login", "/logout"]);
/** JSON routes: refused with JSON, and without a token open to loopback callers only. */
const API = /^\/(api|-)\//;

/**
 * How a route is authenticated, in its fastify `config.auth`: `"own"` for a route that proves
 * its caller itself (a Slack signature); anything else is decided here.
 */
export type RouteAuth = "api" | "own";

const decided = new WeakMap<FastifyRequest, Access>();

/** The decision the hook took for a request (routes read it; "public" when none). */
export function accessOf(req: FastifyRequest): Access {
  return decided.get(req) ?? { kind: "public" };
}

function bearer(req: FastifyRequest, apiToken: string): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  return given !== undefined && sameText(given, apiToken);
}

function session(req: FastifyRequest, o: AccessOptions): boolean {
  if (o.apiToken === null) return false;
  const value = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return value !== null && verifySession(value, o.apiToken, o.now());
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Full access by token, login cookie, or (with no token configured) a loopback caller. */
function full(req: FastifyRequest, o: AccessOptions, api: boolean): Access | null {
  if (o.apiToken === null) {
    return LOOPBACK.has(req.socket.remoteAddress ?? "") ? { kind: "full", via: "loopback" } : null;
  }
  if (bearer(req, o.apiToken)) return { kind: "full", via: "bearer" };
  // The cookie rides every same-site request, so an API call through it must also carry the
  // page's header, which a cross-site form cannot set (SameSite=Strict is the first guard).
  const pageCall = !api || req.method === "GET" || header(req, PAGE_HEADER) === "1";
  return pageCall && session(req, o) ? { kind: "full", via: "session" } : null;
}

function share(token: string, secret: string, o: AccessOptions): Access {
  const checked = verifyShare(token, secret, o.now());
  if (checked.ok)
    return { kind: "share", orgId: checked.orgId, token, expiresAt: checked.expiresAt };
  const error =
    checked.reason === "expired"
      ? "this share link has expired; ask for a new one"
      : "this share link is not valid (it may have been revoked); ask for a new one";
  return { kind: "denied", status: 403, error };
}

const API_DENIED = (o: AccessOptions): Access => ({
  kind: "denied",
  status: o.apiToken === null ? 403 : 401,
  error:
    o.apiToken === null
      ? "the API answers loopback callers only; set server.apiToken to use it remotely"
      : "missing or wrong bearer token (server.apiToken)",
});

/** Decides what a request may see; the hook in api.ts answers every refusal. */
export function decideAccess(req: FastifyRequest, o: AccessOptions): Access {
  const path = req.url.split("?")[0] ?? "";
  if (PUBLIC.has(path)) return { kind: "public" };
  if ((req.routeOptions.config as { auth?: RouteAuth } | undefined)?.auth === "own") {
    return { kind: "public" };
  }
  if (path === "/metrics") {
    // Prometheus scrapes from anywhere; with a token it sends it (`authorization.credentials`).
    if (o.apiToken === null || bearer(req, o.apiToken)) return { kind: "public" };
    return API_DENIED(o);
  }
  if (path.startsWith("/share/")) {
    if (o.shareSecret === null)
      return { kind: "denied", status: 404, error: "share links are off" };
    return share(path.slice("/share/".length), o.shareSecret, o);
  }
  const api = API.test(path);
  const granted = full(req, o, api);
  if (granted) return granted;
  if (!api) {
    if (o.apiToken !== null) return { kind: "login" };
    return { kind: "denied", status: 403, error: "the status page answers loopback callers only" };
  }
  const token = header(req, SHARE_HEADER);
  if (token !== undefined && o.shareSecret !== null) {
    const linked = share(token, o.shareSecret, o);
    if (linked.kind !== "share") return linked;
    // A share link opens its own org's check-now and nothing else of the API.
    const target = req.method === "POST" ? CHECK_PATH.exec(path)?.[1] : undefined;
    if (target === linked.orgId) return linked;
    return { kind: "denied", status: 403, error: "a share link opens only its own org's check" };
  }
  return API_DENIED(o);
}

/** Records the decision for the routes of this request. */
export function rememberAccess(req: FastifyRequest, access: Access): void {
  decided.set(req, access);
}
