/**
 * Slack mrkdwn text helpers: escaping, clipping to Block Kit limits, links and dates. Pure; no
 * Slack client here (slack.md §7: `&`, `<`, `>` are control characters, everything else is
 * left alone; links are `<url|label>`).
 */

const ELLIPSIS = "…";

/** Escapes the three mrkdwn control characters, and nothing else. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Escapes `text` and cuts it to at most `max` characters (an ellipsis included), never in the
 * middle of an entity, so a clipped `&amp;` cannot turn into a broken control sequence.
 */
export function clipEscaped(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = "";
  for (const char of text) {
    const piece = escapeMrkdwn(char);
    if (out.length + piece.length > max - ELLIPSIS.length) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** Cuts already-safe text (plain_text fields) to `max` characters with an ellipsis. */
export function clipPlain(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - ELLIPSIS.length) + ELLIPSIS;
}

/**
 * Joins a heading and lines into one mrkdwn text of at most `max` characters: lines that do not
 * fit are dropped from the end and counted in the tail (`+N more` style, from `tail(n)`).
 */
export function fitLines(
  heading: string,
  lines: string[],
  max: number,
  tail: (n: number) => string,
  alreadyHidden = 0,
): string {
  for (let shown = lines.length; shown >= 0; shown--) {
    const hidden = lines.length - shown + alreadyHidden;
    const parts = [heading, ...lines.slice(0, shown)];
    if (hidden > 0) parts.push(tail(hidden));
    const text = parts.join("\n");
    if (text.length <= max) return text;
  }
  return clipPlain(heading, max);
}

/** A Slack link `<url|label>`; a URL that is not http(s) shows as its label only. */
export function slackLink(url: string, label: string): string {
  const safeLabel = clipEscaped(label.replace(/\|/g, "¦"), 200);
  if (!/^https?:\/\//i.test(url) || url.length > 2000) return safeLabel;
  // Characters that would end the link early are percent-encoded; `&` is entity-escaped.
  const safeUrl = url
    .replace(/\|/g, "%7C")
    .replace(/</g, "%3C")
    .replace(/>/g, "%3E")
    .replace(/ /g, "%20")
    .replace(/&/g, "&amp;");
  return `<${safeUrl}|${safeLabel}>`;
}

/** A date Slack shows in the reader's own time zone, with the ISO text as fallback. */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

/** A duration for people: `45s`, `12m`, `2h 14m`, `3d 4h`. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** Inline code with the mrkdwn control characters escaped and backticks neutralised. */
export function code(text: string, max = 300): string {
  return "`" + clipEscaped(text.replace(/`/g, "'"), max) + "`";
}
