import type { AlertMessage } from "../types.js";
import { escapeHtml, firstOf, moreLine, orgLine, stateWord, truncate } from "./format.js";

/** A subject a phone shows whole: `[orgwatch] FIRING acme: app not installed in the org`. */
export function emailSubject(message: AlertMessage): string {
  return truncate(`[orgwatch] ${stateWord(message)} ${message.title}`, 120);
}

/**
 * The deterministic Message-ID of a delivery, `<delivery-id@orgwatch>`. Characters a Message-ID
 * cannot hold (RFC 5322 dot-atom-text) are written `=XX` (and `=` itself too), so two delivery
 * ids never share a Message-ID and a re-send of one delivery is recognisably the same mail.
 */
export function messageIdFor(deliveryId: string): string {
  const local = Array.from(new TextEncoder().encode(deliveryId), (byte) => {
    const ch = String.fromCharCode(byte);
    return byte < 0x80 && /[A-Za-z0-9!#$%&'*+\-/?^_`{|}~.]/.test(ch)
      ? ch
      : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
  const dotSafe = local.replace(/^\./, "=2E").replace(/\.$/, "=2E").replace(/\.\./g, ".=2E");
  return `<${dotSafe === "" ? "=" : dotSafe}@orgwatch>`;
}

const COLOURS = { RESOLVED: "#2e7d32", FIRING: "#c62828", REMINDER: "#ef6c00", UPDATE: "#1565c0" };

function list(items: string[], ordered: boolean): string {
  if (items.length === 0) return "";
  const tag = ordered ? "ol" : "ul";
  return `<${tag}>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</${tag}>`;
}

function section(heading: string, body: string): string {
  return body === "" ? "" : `<h3>${escapeHtml(heading)}</h3>${body}`;
}

function orgsHtml(message: AlertMessage): string {
  const { shown, more } = firstOf(message.orgs);
  const lines = shown.map(orgLine);
  const tail = moreLine(more);
  return list(tail === null ? lines : [...lines, tail], false);
}

function linksHtml(message: AlertMessage): string {
  const safe = message.links.filter((l) => /^https?:\/\//i.test(l.url));
  if (safe.length === 0) return "";
  const items = safe.map(
    (l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></li>`,
  );
  return `<ul>${items.join("")}</ul>`;
}

function factsHtml(message: AlertMessage): string {
  const facts: [string, string][] = [
    ["Cause", message.cause],
    ["Owner", message.owner],
    ["Severity", message.severity],
    ["Orgs", `${message.counts.open} down of ${message.counts.total}`],
    ["Opened", message.openedAt],
  ];
  if (message.resolvedAt !== null) facts.push(["Resolved", message.resolvedAt]);
  if (message.flapping) facts.push(["Flapping", "yes (opens and recovers repeatedly)"]);
  const rows = facts.map(
    ([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
  );
  return `<table>${rows.join("")}</table>`;
}

/**
 * The HTML part: headline, facts, orgs (first 20, then "+N more"), summary, numbered fix steps,
 * links, changes and how to re-check. Every value is escaped; links other than http(s) are
 * dropped so a crafted URL cannot become a `javascript:` link.
 */
export function emailHtml(message: AlertMessage): string {
  const word = stateWord(message);
  const recheck = message.recheck === null ? "" : `<pre>${escapeHtml(message.recheck)}</pre>`;
  return [
    "<!doctype html><html><body>",
    `<h2><span style="color:${COLOURS[word]}">${word}</span> ${escapeHtml(message.title)}</h2>`,
    `<p>${escapeHtml(message.summary)}</p>`,
    factsHtml(message),
    section("Orgs", orgsHtml(message)),
    section("What changed", list(message.changes, false)),
    section("How to fix", list(message.fix, true)),
    section("Links", linksHtml(message)),
    section("Re-check", recheck),
    "</body></html>",
  ].join("\n");
}
