import type { AlertMessage, AlertOrg } from "./types.js";
import {
  clipEscaped,
  clipPlain,
  code,
  fitLines,
  humanDuration,
  slackDate,
  slackLink,
} from "./slack-text.js";

/** The Block Kit blocks orgwatch sends (a subset of Slack's; plain data, no client types). */
export type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string; emoji: true } }
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "context"; elements: { type: "mrkdwn"; text: string }[] }
  | { type: "actions"; block_id: string; elements: SlackButton[] };

/** A Block Kit button; `value` names the thread it acts on. */
export interface SlackButton {
  type: "button";
  action_id: string;
  text: { type: "plain_text"; text: string; emoji: true };
  value: string;
}

/** The `action_id`s of orgwatch's buttons (what POST /slack/interactions acts on). */
export const SLACK_ACTIONS = {
  recheck: "orgwatch_recheck",
  silence: "orgwatch_silence_1h",
} as const;

function button(actionId: string, text: string, value: string): SlackButton {
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text, emoji: true },
    value,
  };
}

/** One Slack message: blocks plus the notification/fallback `text`. */
export interface SlackRendered {
  text: string;
  blocks: SlackBlock[];
}

/**
 * Block Kit limits (slack.md §7) and our own budgets under them. The budgets add up to about
 * 11,000 characters at most, under the ≈13,200 at which Slack answers `msg_blocks_too_long`;
 * a usual alert is a tenth of that.
 */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  blocks: 50,
  fallbackText: 4000,
  namedOrgs: 20,
  orgSection: 2800,
  summary: 1000,
  fix: 1800,
  links: 800,
  changes: 800,
} as const;

function section(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function headerIcon(msg: AlertMessage): string {
  if (msg.state === "resolved") return "✅";
  if (msg.kind === "notice") return "ℹ️";
  switch (msg.severity) {
    case "critical":
      return "🔴";
    case "warning":
      return "🟠";
    case "info":
      return "🔵";
  }
}

function headerText(msg: AlertMessage): string {
  const lead =
    msg.state === "resolved"
      ? "Resolved: "
      : msg.kind === "reminder"
        ? "Still down: "
        : msg.kind === "update"
          ? "Update: "
          : "";
  return clipPlain(`${headerIcon(msg)} ${lead}${msg.title}`, SLACK_LIMITS.headerText);
}

function downFor(msg: AlertMessage): string | null {
  if (msg.resolvedAt === null) return null;
  const ms = Date.parse(msg.resolvedAt) - Date.parse(msg.openedAt);
  return Number.isNaN(ms) ? null : humanDuration(ms);
}

function statusText(msg: AlertMessage): string {
  const state = msg.state === "resolved" ? "*Resolved*" : "*Firing*";
  const lines = [
    `${state} · ${msg.severity} · cause ${code(msg.cause, 80)} · owner *${msg.owner}*`,
    `*${msg.counts.open} of ${msg.counts.total}* ${msg.counts.total === 1 ? "org" : "orgs"} still down`,
  ];
  const down = downFor(msg);
  lines.push(
    down === null
      ? `Opened ${slackDate(msg.openedAt)}`
      : `Down for *${down}* (opened ${slackDate(msg.openedAt)})`,
  );
  if (msg.flapping) lines.push("⚠️ Flapping: opened and resolved several times within an hour");
  return lines.join("\n");
}

function orgLine(org: AlertOrg, threadCause: AlertMessage["cause"]): string {
  const name = clipEscaped(org.name, 60);
  const label = org.name === org.id ? `*${name}*` : `*${name}* ${code(org.id, 64)}`;
  const cause = org.cause !== null && org.cause !== threadCause ? ` · ${code(org.cause, 64)}` : "";
  const when =
    org.resolvedAt === null
      ? `down since ${slackDate(org.since)}`
      : `✅ recovered ${slackDate(org.resolvedAt)}`;
  return `• ${label}${cause} · ${when}${org.changed ? " · _new or changed_" : ""}`;
}

/** The orgs in sections of ten (so twenty names fit whatever their length), `+N more` last. */
function orgSections(msg: AlertMessage): string[] {
  const named = msg.orgs.slice(0, SLACK_LIMITS.namedOrgs).map((o) => orgLine(o, msg.cause));
  const unnamed = msg.orgs.length - named.length;
  const chunks = [named.slice(0, 10), named.slice(10)].filter((c, i) => i === 0 || c.length > 0);
  const more = (n: number): string => `+${n} more`;
  return chunks.map((lines, i) => {
    const last = i === chunks.length - 1;
    const heading = i === 0 ? "*Orgs*" : "*Orgs (continued)*";
    return fitLines(heading, lines, SLACK_LIMITS.orgSection, more, last ? unnamed : 0);
  });
}

function fixText(msg: AlertMessage): string {
  const steps = msg.fix.map((step, i) => `${i + 1}. ${clipEscaped(step, 600)}`);
  return fitLines("*How to fix*", steps, SLACK_LIMITS.fix, (n) => `…and ${n} more steps`);
}

function linksText(msg: AlertMessage): string {
  const links = msg.links.map((l) => `• ${slackLink(l.url, l.label)}`);
  return fitLines("*Links*", links, SLACK_LIMITS.links, (n) => `+${n} more links`);
}

function changesText(msg: AlertMessage): string {
  const lines = msg.changes.map((c) => `• ${clipEscaped(c, 300)}`);
  return fitLines("*Since the last message*", lines, SLACK_LIMITS.changes, (n) => `+${n} more`);
}

function contextText(msg: AlertMessage): string {
  const parts = [`orgwatch · thread ${code(msg.threadId, 120)}`];
  if (msg.recheck !== null) parts.push(`recheck: ${code(msg.recheck, 400)}`);
  return parts.join(" · ");
}

/**
 * Renders one alert as Block Kit: title, state and counts, orgs (first 20 named, `+N more`),
 * summary, numbered fix steps, links, what changed, the buttons (when interactivity is set up)
 * and a context line with the recheck command. A resolved message leaves out the fix, links and
 * buttons: nothing is left to do.
 */
export function renderSlack(msg: AlertMessage): SlackRendered {
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: headerText(msg), emoji: true } },
    section(statusText(msg)),
  ];
  if (msg.orgs.length > 0) blocks.push(...orgSections(msg).map(section));
  if (msg.summary.trim() !== "")
    blocks.push(section(clipEscaped(msg.summary, SLACK_LIMITS.summary)));
  if (msg.state === "firing") {
    if (msg.fix.length > 0) blocks.push(section(fixText(msg)));
    if (msg.links.length > 0) blocks.push(section(linksText(msg)));
  }
  if (msg.changes.length > 0) blocks.push(section(changesText(msg)));
  if (msg.actions !== undefined && msg.state === "firing") {
    const value = msg.actions.value;
    blocks.push({
      type: "actions",
      block_id: "orgwatch_actions",
      elements: [
        button(SLACK_ACTIONS.recheck, "Re-check now", value),
        button(SLACK_ACTIONS.silence, "Silence 1 h", value),
      ],
    });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: contextText(msg) }] });
  return { text: fallbackText(msg), blocks };
}

/** The notification and fallback text: the message's own text, escaped, at most 4,000 chars. */
export function fallbackText(msg: AlertMessage): string {
  const raw = msg.text.trim() === "" ? msg.title : msg.text;
  return clipEscaped(raw, SLACK_LIMITS.fallbackText);
}

/** Characters of text across the blocks (what Slack's `msg_blocks_too_long` limit counts). */
export function blocksTextLength(blocks: SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.type === "context") total += block.elements.reduce((n, e) => n + e.text.length, 0);
    else if (block.type === "actions")
      total += block.elements.reduce((n, e) => n + e.text.text.length, 0);
    else total += block.text.text.length;
  }
  return total;
}
