import type { AlertMessage, AlertOrg } from "../types.js";

/** How many orgs a message lists before it says "+N more". */
export const MAX_LISTED_ORGS = 20;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The first `max` items and how many were left out ("+N more"). */
export function firstOf<T>(
  items: readonly T[],
  max = MAX_LISTED_ORGS,
): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}

/** `+N more`, or null when nothing was left out. */
export function moreLine(more: number): string | null {
  return more > 0 ? `+${more} more` : null;
}

/** One org as a line: `acme (Acme Corp): app_not_installed since 2026-…`, or `recovered …`. */
export function orgLine(org: AlertOrg): string {
  const state =
    org.resolvedAt !== null
      ? `recovered ${org.resolvedAt}`
      : `${org.cause ?? "unknown"} since ${org.since}`;
  const name = org.name !== "" && org.name !== org.id ? ` (${org.name})` : "";
  return `${org.id}${name}: ${state}${org.changed ? " [changed]" : ""}`;
}

/** The word a subject or headline starts with, from the message's kind and state. */
export function stateWord(message: AlertMessage): "RESOLVED" | "FIRING" | "REMINDER" | "UPDATE" {
  if (message.kind === "resolve" || message.state === "resolved") return "RESOLVED";
  switch (message.kind) {
    case "open":
    case "notice":
      return "FIRING";
    case "reminder":
      return "REMINDER";
    case "update":
      return "UPDATE";
  }
}

/** Cuts text to `max` characters, ending in an ellipsis when it was longer. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Replaces every occurrence of each secret value with `<secret>`: a peer may echo what it was
 * sent (a URL, a key) in an error, and such text must not reach a detail or a log line.
 */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets)
    if (s !== undefined && s.length >= 4) out = out.replaceAll(s, "<secret>");
  return out;
}

/**
 * Parses an HTTP `Retry-After` (delay-seconds or an HTTP date) into milliseconds from `now`;
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
