import type { CauseId } from "../domain/index.js";
import { ecaPath, ref, type CauseEntry, type Ctx } from "./entry.js";
import type { Failure } from "./failure.js";
import { epoch, hostOf } from "./lookalikes.js";
import { fromCdn, fromProxy } from "./origin.js";
import { readableExcerpt, scrub } from "./scrub.js";

const DAY_MS = 86_400_000;
const TLS_CODE = /CERT|TLS|SSL/i;
const DNS_CODE = /^(ENOTFOUND|EAI_AGAIN)$/i;

/** Local, transport and catch-all causes. */
export const otherEntries = {
  key_invalid: {
    severity: "critical",
    transient: false,
    reference: ref("key_invalid"),
    summary: (c) =>
      `${c.org.name}: the monitor cannot use its private key, so no check ran${c.quote === "" ? "" : ` (${c.quote})`}.`,
    fix: (c) => [
      "The key file must be a readable PEM (PKCS#1 or PKCS#8) RSA private key of at least 2048 bits; EC keys are rejected.",
      `To start over: \`openssl req -x509 -sha256 -nodes -days 3650 -newkey rsa:2048 -keyout private-key.pem -out certificate.crt -subj "/CN=${c.org.id}"\`, then upload certificate.crt: ${ecaPath(c, "Settings → OAuth Settings → Flow Enablement → Enable JWT Bearer Flow")}.`,
      "If the integration signs with the same key, replace it there at the same time.",
    ],
  },
  certificate_expiring: {
    severity: "warning",
    transient: false,
    reference: ref("certificate_expiring"),
    summary: certificateSummary,
    fix: (c) => [
      `Generate a new key pair (\`openssl req -x509 -sha256 -nodes -days 3650 -newkey rsa:2048 -keyout private-key.pem -out certificate.crt -subj "/CN=${c.org.id}"\`) and upload the new certificate: ${ecaPath(c, "Settings → OAuth Settings → Flow Enablement")}.`,
      "Then switch the monitor and the integration to the new private key together.",
    ],
  },
  network_error: {
    severity: "critical",
    transient: (f) =>
      !isRedirect(f) && !fromProxy(f.evidence) && !TLS_CODE.test(f.evidence.networkCode ?? ""),
    reference: ref("network_error"),
    summary: networkSummary,
    fix: networkFix,
  },
  salesforce_unavailable: {
    severity: "warning",
    transient: true,
    reference: ref("salesforce_unavailable"),
    summary: (c) =>
      `${c.org.name}: ${fromCdn(c.f.evidence) ? "Salesforce's CDN partner answered instead of Salesforce" : "Salesforce did not answer"} the ${c.where} properly (${unreadable(c)}).`,
    fix: (c) => [
      "Usually a Salesforce incident or maintenance window: check https://status.salesforce.com for this org's instance. Nothing to change on your side.",
      ...(hostOf(c.org.loginUrl) === "test.salesforce.com" && c.f.stage === "token"
        ? [
            `test.salesforce.com has known intermittent 500s: use the sandbox's My Domain${c.links.base === null ? "" : ` (${c.links.base})`} as the token host.`,
          ]
        : []),
      "If it lasts beyond the posted maintenance window, or only this org is affected, check the monitor's egress path and open a Salesforce case.",
    ],
  },
  unknown: {
    severity: "warning",
    transient: true,
    reference: "shared/reference/errors.md#c-classification-order-first-match-wins",
    summary: unknownSummary,
    fix: (c) => [
      ...(c.f.stage === "identity"
        ? [
            `Compare ${c.user} and this org with what the identity check returned: ${c.links.setup("users")}; the configured username must be the integration user's exact Username in this org.`,
          ]
        : []),
      `Reproduce by hand: \`sf org login jwt --client-id <consumer key> --jwt-key-file <private key> --username ${c.org.username} --instance-url ${c.links.base ?? c.org.loginUrl}\`.`,
      "Look the verbatim response up in errors.md and Salesforce Help; if it recurs, add a rule for it.",
    ],
  },
} satisfies Partial<Record<CauseId, CauseEntry>>;

/** Whole days from `now` until the certificate copy expires (negative once expired), or null. */
export function certificateDaysLeft(notAfter: string | null, now: number): number | null {
  const t = epoch(notAfter);
  return t === null ? null : Math.floor((t - now) / DAY_MS);
}

function certificateSummary(c: Ctx): string {
  const t = epoch(c.org.certificateNotAfter);
  if (t === null) return `${c.org.name}: the certificate copy has no readable expiry date.`;
  const date = new Date(t).toISOString().slice(0, 10);
  if (t <= c.f.now) {
    const ago = Math.floor((c.f.now - t) / DAY_MS);
    return `${c.org.name}: the monitor's copy of the app certificate expired on ${date} (${ago} day(s) ago). Salesforce does not enforce the expiry of the certificate uploaded to an app, so logins keep working and this is no outage; rotate the pair anyway.`;
  }
  return `${c.org.name}: the app certificate expires on ${date}, in ${Math.floor((t - c.f.now) / DAY_MS)} day(s).`;
}

function isRedirect(f: Failure): boolean {
  return (
    f.evidence.redirectTo !== undefined ||
    ((f.evidence.httpStatus ?? 0) >= 300 && (f.evidence.httpStatus ?? 0) < 400)
  );
}

function targetHost(c: Ctx): string {
  return c.f.stage === "token"
    ? `the token host (${c.org.loginUrl})`
    : `the org's instance${c.links.base === null ? "" : ` (${c.links.base})`}`;
}

function networkSummary(c: Ctx): string {
  const ev = c.f.evidence;
  if (fromProxy(ev)) {
    return `${c.org.name}: the ${c.where} was refused by a proxy between the monitor and Salesforce (HTTP ${ev.httpStatus ?? "?"}${ev.headers?.server === undefined ? "" : `, Server: ${scrub(ev.headers.server, 60)}`}); Salesforce never saw the request.`;
  }
  if (isRedirect(c.f)) {
    const to = ev.redirectTo === undefined ? "another page" : scrub(ev.redirectTo);
    return `${c.org.name}: the ${c.where} was redirected (HTTP ${ev.httpStatus ?? "3xx"}) to ${to} instead of answering — the configured host is wrong or the My Domain changed.`;
  }
  return `${c.org.name}: the ${c.where} got no response from ${targetHost(c)}: ${scrub(ev.networkCode ?? "connection failed")}.`;
}

function networkFix(c: Ctx): string[] {
  const code = c.f.evidence.networkCode ?? "";
  const myDomain = c.links.setup("myDomain");
  if (fromProxy(c.f.evidence)) {
    return [
      `Let the monitor's egress reach ${targetHost(c)}: allow *.salesforce.com and *.force.com through the proxy (or its credentials, for HTTP 407), or route the monitor around it; the proxy's own page names the rule that refused it.`,
    ];
  }
  if (isRedirect(c.f)) {
    return [
      `Compare the configured login URL (${c.org.loginUrl}) with ${myDomain} and set it to the current My Domain URL; a renamed My Domain or a retired instance host redirects to a login page.`,
    ];
  }
  if (TLS_CODE.test(code)) {
    return [
      `TLS failed (${scrub(code)}): check ${targetHost(c)} for a typo and whether a proxy intercepts TLS; use the org's My Domain as shown in ${myDomain}.`,
      "If your egress proxy inspects TLS, give orgwatch its CA certificate: start it with NODE_EXTRA_CA_CERTS=/path/to/proxy-ca.pem (never turn verification off).",
    ];
  }
  if (DNS_CODE.test(code) && c.f.stage !== "token" && c.f.tokenFormat !== null) {
    return [
      `The token exchange worked, but the instance host it returned (instance_url${c.f.history.lastInstanceUrl === null ? "" : `, last seen ${c.f.history.lastInstanceUrl}`}) does not resolve: right after a My Domain change the new name takes time to replicate. The monitor retries; if it lasts, compare it with ${myDomain} and check the monitor's DNS.`,
    ];
  }
  if (DNS_CODE.test(code)) {
    return [
      `The host does not resolve: check ${targetHost(c)} for a typo against ${myDomain}, and the monitor's DNS. Retired legacy hosts stopped resolving after Spring '26.`,
    ];
  }
  return [
    `Check the monitor's egress to ${targetHost(c)}: firewall, proxy, outbound HTTPS (443) to *.salesforce.com.`,
  ];
}

function unreadable(c: Ctx): string {
  const ev = c.f.evidence;
  if (ev.kind === "timeout") return "the request timed out";
  const parts = [`HTTP ${ev.httpStatus ?? "?"}`];
  if (ev.contentType !== undefined) parts.push(scrub(ev.contentType, 60));
  if (c.quote !== "") parts.push(`"${c.quote}"`);
  if (ev.bodyExcerpt !== undefined) parts.push(`body: "${readableExcerpt(ev.bodyExcerpt)}"`);
  return parts.join(", ");
}

function unknownSummary(c: Ctx): string {
  const ev = c.f.evidence;
  if (c.f.stage === "identity" && ev.detail !== undefined && ev.httpStatus === 200) {
    return `${c.org.name}: the identity check disagrees with the config: ${scrub(ev.detail)}.`;
  }
  const what =
    ev.kind === "http" ? unreadable(c) : `${ev.kind}${c.quote === "" ? "" : `: "${c.quote}"`}`;
  return `${c.org.name}: the ${c.where} failed with a response no rule knows (${what}).`;
}
