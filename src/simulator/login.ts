import { compactVerify, decodeJwt, importX509, type JWTPayload } from "jose";
import { orgsByHost } from "./lookup.js";
import { defaultPropagationMs } from "./ids.js";
import { issueToken, type TokenBody } from "./sessions.js";
import {
  effectiveApp,
  myDomainHost,
  orgNow,
  type SimApp,
  type SimOrg,
  type SimState,
  type SimUser,
} from "./state.js";
import { TOKEN_ERRORS, type OAuthError, type TokenErrorId } from "./wire.js";

/** The JWT bearer grant type. */
export const JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** What the token route extracted from the HTTP request. */
export interface TokenRequest {
  /** The form fields, or null when the body was not form-encoded. */
  form: URLSearchParams | null;
  /** `http://<Host header>`: instance_url, id and the `self` audience are built from it. */
  baseUrl: string;
  remoteIp: string;
}

/** The answer: a token or a cause's error body; `org` is the org the request was routed to. */
export type TokenOutcome =
  | { ok: true; org: SimOrg; body: TokenBody }
  | { ok: false; org: SimOrg | null; cause: TokenErrorId; body: OAuthError };

type VerifyKey = Awaited<ReturnType<typeof importX509>>;

const keyCache = new Map<string, Promise<VerifyKey>>();

function verifyKey(pem: string): Promise<VerifyKey> {
  let key = keyCache.get(pem);
  if (!key) {
    key = importX509(pem, "RS256");
    keyCache.set(pem, key);
  }
  return key;
}

function fail(org: SimOrg | null, cause: TokenErrorId): TokenOutcome {
  const override = org?.tokenErrors[cause as keyof SimOrg["tokenErrors"]];
  return { ok: false, org, cause, body: override ?? TOKEN_ERRORS[cause] };
}

/** Finds the org a token request belongs to: by Host (a My Domain), then username, then consumer key. */
export function routeOrg(
  state: SimState,
  iss: unknown,
  subject: string,
  baseUrl: string,
): { org: SimOrg; user: SimUser | null } | null {
  const hostname = new URL(baseUrl).hostname;
  const byHost = orgsByHost(state, hostname);
  const orgs = byHost.length > 0 ? byHost : state.orgs;
  for (const org of orgs) {
    const user = org.users.find((u) => u.username === subject);
    if (user) return { org, user };
  }
  // a sandbox refresh renamed `integration@acme.com` to `integration@acme.com.dev`
  const renamed = orgs.find((o) => o.users.some((u) => u.username.startsWith(`${subject}.`)));
  if (renamed) return { org: renamed, user: null };
  const byApp = orgs.find((o) => o.app.clientId === iss);
  return byApp ? { org: byApp, user: null } : null;
}

const GENERIC_HOSTS = new Set(["login.salesforce.com", "test.salesforce.com"]);

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return "";
  }
}

/**
 * The accepted `aud` values of an org, with and without a trailing slash. By app kind (errors.md
 * D.2): a Connected App takes login (production) or test (sandbox), and the URL the client
 * addressed unless that is the My Domain; an External Client App takes its My Domain (and the
 * addressed URL). `audiences` in the SIMFILE overrides both.
 */
export function acceptedAudiences(org: SimOrg, baseUrl: string): Set<string> {
  const ownHost = hostOf(baseUrl) === myDomainHost(org);
  const byKind =
    org.appKind === "external_client_app"
      ? ["mydomain", "self"]
      : [org.sandbox ? "test" : "login", ...(ownHost ? [] : ["self"])];
  const names = org.audiences ?? byKind;
  const urls = names.map((n) => {
    if (n === "login") return "https://login.salesforce.com";
    if (n === "test") return "https://test.salesforce.com";
    if (n === "mydomain") return `https://${myDomainHost(org)}`;
    if (n === "self") return baseUrl;
    return n.replace(/\/$/, "");
  });
  return new Set(urls.flatMap((u) => [u, `${u}/`]));
}

/**
 * errors.md D.1: since Spring '26 an External Client App reached through login/test.salesforce.com,
 * as token host or as aud, answers app_not_found even when it is installed.
 */
function genericRouteRefused(org: SimOrg, aud: unknown[], baseUrl: string): boolean {
  if (org.appKind !== "external_client_app") return false;
  if (GENERIC_HOSTS.has(hostOf(baseUrl))) return true;
  return aud.some((a) => typeof a === "string" && GENERIC_HOSTS.has(hostOf(a)));
}

function countLogin(state: SimState, org: SimOrg, subject: string): boolean {
  const hour = Math.floor(state.clock.now() / 3_600_000);
  const c = org.logins.byUser.get(subject) ?? { hour, thisHour: 0, total: 0, failures: 0 };
  if (c.hour !== hour) Object.assign(c, { hour, thisHour: 0 });
  const limited = c.thisHour >= org.loginRateLimit;
  c.thisHour += 1;
  c.total += 1;
  org.logins.total += 1;
  org.logins.byUser.set(subject, c);
  return limited;
}

function recordFailure(org: SimOrg, subject: string): void {
  org.logins.failures += 1;
  const c = org.logins.byUser.get(subject);
  if (c) c.failures += 1;
}

/** Answers one POST /services/oauth2/token exactly as the org's state dictates. */
export async function handleToken(state: SimState, req: TokenRequest): Promise<TokenOutcome> {
  const form = req.form;
  if (!form || form.get("grant_type") !== JWT_GRANT) return fail(null, "unsupported_grant_type");
  const assertion = form.get("assertion");
  if (!assertion) return fail(null, "invalid_request");
  let claims: JWTPayload;
  try {
    claims = decodeJwt(assertion);
  } catch {
    return fail(null, "invalid_assertion");
  }
  const subject = typeof claims.sub === "string" ? claims.sub : claims["prn"];
  const routed = routeOrg(
    state,
    claims.iss,
    typeof subject === "string" ? subject : "",
    req.baseUrl,
  );
  if (!routed) return fail(null, "client_id_invalid");
  const { org, user } = routed;
  const name = typeof subject === "string" ? subject : "";
  const limited = countLogin(state, org, name);
  const outcome = limited
    ? fail(org, "login_rate_exceeded")
    : await decide(state, org, user, claims, assertion, req);
  if (!outcome.ok) recordFailure(org, name);
  return outcome;
}

async function decide(
  state: SimState,
  org: SimOrg,
  user: SimUser | null,
  claims: JWTPayload,
  assertion: string,
  req: TokenRequest,
): Promise<TokenOutcome> {
  const now = orgNow(state, org);
  const window = org.app.propagation ?? defaultPropagationMs(org.id);
  const app = effectiveApp(org, now, window);
  if (app.deleted || app.clientId !== claims.iss) return fail(org, "client_id_invalid");
  if (app.createdAt !== null && now < Date.parse(app.createdAt) + window) {
    return fail(org, "client_id_invalid");
  }
  if (!(await signatureValid(assertion, app.certificatePem))) return fail(org, "invalid_assertion");
  const exp = Number(claims.exp);
  if (!Number.isFinite(exp)) return fail(org, "invalid_assertion");
  if (exp * 1000 <= now) return fail(org, "assertion_expired");
  const aud: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (genericRouteRefused(org, aud, req.baseUrl)) return fail(org, "app_not_installed");
  const auds = acceptedAudiences(org, req.baseUrl);
  if (!aud.some((a) => typeof a === "string" && auds.has(a))) return fail(org, "audience_invalid");
  if (!org.active) return fail(org, "org_inactive");
  if (!user) return fail(org, "user_not_found");
  if (!user.active || user.frozen) return fail(org, "user_inactive");
  if (!app.installed) return fail(org, "app_not_installed");
  if (ipBlocked(org, app, req.remoteIp)) return fail(org, "ip_restricted");
  const policy = policyFailure(app, user, now);
  if (policy) return fail(org, policy);
  return { ok: true, org, body: issueToken(state, org, user, req.baseUrl) };
}

async function signatureValid(assertion: string, pem: string): Promise<boolean> {
  try {
    await compactVerify(assertion, await verifyKey(pem), { algorithms: ["RS256"] });
    return true;
  } catch {
    return false;
  }
}

function policyFailure(app: SimApp, user: SimUser, now: number): TokenErrorId | null {
  if (app.permittedUsers === "admin_approved") {
    const sets = new Set(app.preauthorizedPermissionSets);
    return user.permissionSets.some((p) => sets.has(p)) ? null : "user_not_preauthorized";
  }
  if (user.approvedAt === null) return "consumer_not_approved";
  if (!app.scopes.includes("refresh_token") && !app.scopes.includes("offline_access")) {
    return "consumer_not_approved";
  }
  const policy = app.refreshTokenPolicy;
  if (policy !== "until_revoked" && Date.parse(user.approvedAt) + policy.expireAfter <= now) {
    return "consumer_not_approved";
  }
  return null;
}

function ipToNumber(ip: string): number | null {
  const parts = ip
    .replace(/^::ffff:/, "")
    .split(".")
    .map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    return null;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/** Whether the org's login IP ranges shut out this caller (unless the app relaxes IP restrictions). */
export function ipBlocked(org: SimOrg, app: SimApp, remoteIp: string): boolean {
  if (org.loginIpRanges.length === 0 || app.ipRelaxation === "relax") return false;
  const ip = ipToNumber(remoteIp);
  return !org.loginIpRanges.some((range) => {
    const [base = "", bits = "32"] = range.split("/");
    const start = ipToNumber(base);
    if (ip === null || start === null) return false;
    const size = 2 ** (32 - Number(bits));
    return ip >= start - (start % size) && ip < start - (start % size) + size;
  });
}
