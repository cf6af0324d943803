import type { AlertDelivery, AlertMember, AlertThread } from "../domain/alerts.js";
import { CAUSE_OWNERS, type CauseId, type Severity } from "../domain/causes.js";
import type { Incident } from "../domain/incident.js";
import type { AlertLink, AlertMessage, AlertOrg, MessageKind } from "./types.js";

/** What the message builder may look up. */
export interface MessageContext {
  incident: (id: string) => Incident | null;
  org: (id: string) => { name: string } | undefined;
  flapping: (orgId: string) => boolean;
  /** The org's status page URL, when `server.publicUrl` is set. */
  orgPage?: (orgId: string) => string;
  /** Whether firing messages get the Slack buttons (signing secret and publicUrl set). */
  buttons?: boolean;
}

/** How many org pages a message links to at most (a group names more orgs than that). */
const PAGE_LINKS = 5;

/** Links to the orgs' status pages (down ones first), when a public URL is configured. */
function pageLinks(members: readonly AlertMember[], ctx: MessageContext): AlertLink[] {
  const page = ctx.orgPage;
  if (!page) return [];
  const ordered = [...members].sort(
    (a, b) => Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null),
  );
  const ids = [...new Set(ordered.map((m) => m.orgId))].slice(0, PAGE_LINKS);
  return ids.map((id) => ({ label: `${ctx.org(id)?.name ?? id} status page`, url: page(id) }));
}

const LABEL: Record<MessageKind, string> = {
  open: "DOWN",
  update: "UPDATE",
  reminder: "STILL DOWN",
  resolve: "RESOLVED",
  notice: "NOTICE",
};

const URL_RE = /https?:\/\/[^\s)<>\]"'`]+/g;

/** `app_not_installed` → `app not installed`. */
export function causeWords(cause: CauseId): string {
  return cause.replaceAll("_", " ");
}

/** `1 h 12 min`, `3 min`, `2 d 4 h`. */
export function duration(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return `${String(min)} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${String(h)} h ${String(min % 60)} min`;
  return `${String(Math.floor(h / 24))} d ${String(h % 24)} h`;
}

function hhmm(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/** The Setup pages and other links named in fix steps, each once. */
export function linksOf(fix: readonly string[]): AlertLink[] {
  const seen = new Set<string>();
  const links: AlertLink[] = [];
  for (const step of fix) {
    for (const found of step.match(URL_RE) ?? []) {
      const url = found.replace(/[.,;:]+$/, "");
      if (seen.has(url) || !URL.canParse(url)) continue;
      seen.add(url);
      const u = new URL(url);
      const label = u.pathname.split("/").filter(Boolean).slice(-2).join(" / ") || u.host;
      links.push({ label, url });
    }
  }
  return links;
}

interface Detail {
  summary: string;
  fix: string[];
  severity: Severity;
  recheck: string | null;
  /** Why the incident closed without a recovery (its org left the config). */
  closeNote: string | null;
}

/** The latest diagnosis of a member's incident (its summary and exact fix). */
function detailOf(member: AlertMember, ctx: MessageContext): Detail {
  const incident = ctx.incident(member.incidentId);
  const last = incident?.causes.at(-1);
  const fix = last?.fix ?? [];
  const recheck = fix.find((s) => s.startsWith("Re-check: "))?.slice("Re-check: ".length) ?? null;
  return {
    summary: last?.summary ?? causeWords(member.cause),
    fix: fix.filter((s) => !s.startsWith("Re-check: ")),
    severity: last?.severity ?? "critical",
    recheck,
    closeNote: incident?.closeNote ?? null,
  };
}

/** Builds one message of a thread from committed rows. Pure: the same rows give the same text. */
export function buildMessage(
  thread: AlertThread,
  members: readonly AlertMember[],
  delivery: AlertDelivery,
  previous: readonly AlertDelivery[],
  ctx: MessageContext,
): AlertMessage {
  if (thread.kind === "notice") return noticeMessage(thread, delivery, ctx);
  const told = previous.reduce((a, d) => Math.max(a, d.version), 0);
  const down = members.filter((m) => m.resolvedAt === null);
  const lead = down[0] ?? members[0];
  const detail = lead
    ? detailOf(lead, ctx)
    : { summary: "", fix: [], severity: "critical" as const, recheck: null, closeNote: null };
  const orgs: AlertOrg[] = members.map((m) => ({
    id: m.orgId,
    name: ctx.org(m.orgId)?.name ?? m.orgId,
    cause: m.resolvedAt === null ? m.cause : null,
    since: new Date(m.joinedAt).toISOString(),
    resolvedAt: m.resolvedAt === null ? null : new Date(m.resolvedAt).toISOString(),
    changed: told > 0 && m.changedVersion > told,
  }));
  const resolvedAt =
    down.length === 0 ? Math.max(...members.map((m) => m.resolvedAt ?? thread.createdAt)) : null;
  const changes = members
    .filter((m) => told > 0 && m.changedVersion > told)
    .map((m) => {
      const name = ctx.org(m.orgId)?.name ?? m.orgId;
      if (m.resolvedAt !== null) {
        const note = ctx.incident(m.incidentId)?.closeNote ?? null;
        return note ?? `${name} recovered after ${duration(m.resolvedAt - m.joinedAt)}`;
      }
      if (m.cause !== thread.cause) return `${name} is now ${m.cause}`;
      return `${name} is down too (since ${hhmm(m.joinedAt)})`;
    });
  const who =
    members.length === 1
      ? (ctx.org(members[0]?.orgId ?? "")?.name ?? members[0]?.orgId ?? "")
      : `${String(members.length)} orgs`;
  const title = `${who}: ${causeWords(thread.cause)}`;
  const message: AlertMessage = {
    deliveryId: delivery.id,
    threadId: thread.id,
    kind: delivery.kind,
    state: down.length === 0 ? "resolved" : "firing",
    severity: detail.severity,
    cause: thread.cause,
    owner: CAUSE_OWNERS[thread.cause],
    title,
    // An incident closed because its org left the config did not recover: say so instead.
    summary: down.length === 0 && detail.closeNote !== null ? detail.closeNote : detail.summary,
    fix: detail.fix,
    links: [...pageLinks(members, ctx), ...linksOf(detail.fix)],
    orgs,
    counts: { total: members.length, open: down.length },
    openedAt: new Date(thread.createdAt).toISOString(),
    resolvedAt: resolvedAt === null ? null : new Date(resolvedAt).toISOString(),
    changes,
    flapping: members.some((m) => ctx.flapping(m.orgId)),
    text: "",
    recheck: detail.recheck,
  };
  const only = members.length === 1 ? members[0]?.orgId : undefined;
  if (only !== undefined && ctx.orgPage) message.pageUrl = ctx.orgPage(only);
  if (ctx.buttons === true && down.length > 0) message.actions = { value: thread.id };
  message.text = plainText(message);
  return message;
}

function noticeMessage(
  thread: AlertThread,
  delivery: AlertDelivery,
  ctx: MessageContext,
): AlertMessage {
  const notice = thread.notice;
  if (notice?.type === "notifier") return notifierNotice(thread, delivery, notice);
  const n = notice ?? {
    type: "certificate",
    orgId: "",
    days: 0,
    notAfter: new Date(thread.createdAt).toISOString(),
  };
  const name = ctx.org(n.orgId)?.name ?? n.orgId;
  const expired = Date.parse(n.notAfter) <= thread.createdAt;
  const summary = expired
    ? `${name}: the copy of the app's certificate expired on ${n.notAfter.slice(0, 10)}. Salesforce does not enforce the expiry for the JWT bearer flow, so logins still work; rotate it at your next change window.`
    : `${name}: the copy of the app's certificate expires on ${n.notAfter.slice(0, 10)} (within ${String(n.days)} days). Salesforce does not enforce the expiry for the JWT bearer flow; rotate it before your own policy requires.`;
  const fix = [
    "Generate a new key pair and self-signed certificate (openssl req -x509 -sha256 -nodes -days 365 -newkey rsa:2048 ...).",
    "Upload the new certificate to the app in Salesforce Setup, then switch the integration and orgwatch (privateKeyFile, certificateFile) to the new key.",
  ];
  return noticeMessageOf(thread, delivery, {
    severity: "warning",
    owner: CAUSE_OWNERS[thread.cause],
    title: `${name}: certificate ${expired ? "expired" : `expires in ${String(n.days)} days or less`}`,
    summary,
    fix,
    orgs: [
      {
        id: n.orgId,
        name,
        cause: thread.cause,
        since: new Date(thread.createdAt).toISOString(),
        resolvedAt: null,
        changed: false,
      },
    ],
  });
}

/** The notice on the other notifiers when one is disabled by a permanent error. */
function notifierNotice(
  thread: AlertThread,
  delivery: AlertDelivery,
  n: { notifier: string; detail: string },
): AlertMessage {
  return noticeMessageOf(thread, delivery, {
    severity: "critical",
    owner: "vendor",
    title: `orgwatch: notifier ${n.notifier} is disabled`,
    summary: `orgwatch can no longer deliver alerts through ${n.notifier}: ${n.detail}. Its alerts are kept and are sent after the fix, if still fresh (resolves always).`,
    fix: [
      `Fix notifier ${n.notifier} in the orgwatch config (token, channel, URL or credentials, as the error says).`,
      "Restart orgwatch: the notifier is tried again on start.",
    ],
    orgs: [],
  });
}

/** A notice message: what varies between notices, the rest fixed. */
function noticeMessageOf(
  thread: AlertThread,
  delivery: AlertDelivery,
  v: Pick<AlertMessage, "severity" | "owner" | "title" | "summary" | "fix" | "orgs">,
): AlertMessage {
  const message: AlertMessage = {
    deliveryId: delivery.id,
    threadId: thread.id,
    kind: "notice",
    state: "firing",
    cause: thread.cause,
    ...v,
    links: [],
    counts: { total: v.orgs.length, open: v.orgs.length },
    openedAt: new Date(thread.createdAt).toISOString(),
    resolvedAt: null,
    changes: [],
    flapping: false,
    text: "",
    recheck: null,
  };
  message.text = plainText(message);
  return message;
}

/** The message as plain text: the e-mail body, the webhook's `text`, Slack's fallback. */
export function plainText(m: AlertMessage): string {
  const lines = [`${LABEL[m.kind]}: ${m.title}`];
  const opened = Date.parse(m.openedAt);
  if (m.kind === "resolve" && m.resolvedAt !== null) {
    lines.push(
      `Down from ${hhmm(opened)} to ${hhmm(Date.parse(m.resolvedAt))} (${duration(Date.parse(m.resolvedAt) - opened)}).`,
    );
  } else if (m.kind !== "notice") {
    lines.push(`Since ${hhmm(opened)}. Cause: ${m.cause} (fixed by the ${m.owner}).`);
  }
  if (m.pageUrl !== undefined) lines.push(`Org page: ${m.pageUrl}`);
  if (m.flapping) lines.push("Flapping: this org went down and up several times in the last hour.");
  lines.push("", m.summary);
  if (m.kind !== "resolve" && m.fix.length > 0) {
    lines.push("", "Fix:", ...m.fix.map((s, i) => `${String(i + 1)}. ${s}`));
  }
  if (m.changes.length > 0)
    lines.push("", "Since the last message:", ...m.changes.map((c) => `- ${c}`));
  if (m.orgs.length > 1) {
    const named = m.orgs
      .slice(0, 20)
      .map((o) => `- ${o.name} (${o.id})${o.resolvedAt ? " recovered" : ""}`);
    const more = m.orgs.length > 20 ? [`- and ${String(m.orgs.length - 20)} more`] : [];
    lines.push(
      "",
      `Orgs (${String(m.counts.open)} of ${String(m.counts.total)} still down):`,
      ...named,
      ...more,
    );
  }
  if (m.recheck && m.kind !== "resolve") lines.push("", `Re-check: ${m.recheck}`);
  return lines.join("\n");
}
