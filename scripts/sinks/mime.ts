/**
 * Just enough MIME to read what orgwatch sends: headers (unfolded, RFC 2047 words decoded),
 * multipart/alternative, quoted-printable and base64 parts. Written here instead of adding
 * mailparser so the tests need no new dependency; it is checked against nodemailer's own output.
 */

/** A parsed mail: headers (lowercase names, every value), and the text and HTML parts. */
export interface ParsedMail {
  headers: Map<string, string[]>;
  subject: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string | null;
  text: string | null;
  html: string | null;
}

function splitHead(raw: string): { head: string; body: string } {
  const at = raw.indexOf("\r\n\r\n");
  return at < 0 ? { head: raw, body: "" } : { head: raw.slice(0, at), body: raw.slice(at + 4) };
}

function parseHeaders(head: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const unfolded = head.replace(/\r\n([ \t])/g, "$1");
  for (const line of unfolded.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return headers;
}

function qpBytes(text: string): Buffer {
  const soft = text.replace(/=\r\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const ch = soft.charAt(i);
    const hex = soft.slice(i + 1, i + 3);
    if (ch === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, "utf8"));
    }
  }
  return Buffer.from(bytes);
}

/** Decodes `=?UTF-8?Q?…?=` and `=?UTF-8?B?…?=` words (whitespace between two words dropped). */
export function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, "$1$2")
    .replace(
      /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g,
      (_all, _charset: string, enc: string, data: string) =>
        enc.toUpperCase() === "B"
          ? Buffer.from(data, "base64").toString("utf8")
          : qpBytes(data.replace(/_/g, " ")).toString("utf8"),
    );
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? "7bit").toLowerCase()) {
    case "quoted-printable":
      return qpBytes(body).toString("utf8");
    case "base64":
      return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    default:
      return body;
  }
}

function param(value: string, name: string): string | null {
  const m = new RegExp(`${name}="?([^";]+)"?`, "i").exec(value);
  return m?.[1] ?? null;
}

interface Part {
  type: string;
  content: string;
}

function parts(head: Map<string, string[]>, body: string): Part[] {
  const type = head.get("content-type")?.[0] ?? "text/plain";
  const boundary = param(type, "boundary");
  if (!type.toLowerCase().startsWith("multipart/") || boundary === null) {
    const content = decodeBody(body, head.get("content-transfer-encoding")?.[0]);
    return [{ type: type.split(";")[0]?.trim().toLowerCase() ?? "", content }];
  }
  const sections = body.split(`--${boundary}`).slice(1);
  return sections
    .filter((s) => !s.startsWith("--"))
    .flatMap((s) => {
      const { head: h, body: b } = splitHead(s.replace(/^\r\n/, ""));
      return parts(parseHeaders(h), b.replace(/\r\n$/, ""));
    });
}

/** Parses one raw RFC 5322 message. */
export function parseMail(raw: string): ParsedMail {
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const all = parts(headers, body);
  const one = (name: string): string | null => headers.get(name)?.[0] ?? null;
  return {
    headers,
    subject: decodeWords(one("subject") ?? ""),
    messageId: one("message-id"),
    inReplyTo: one("in-reply-to"),
    references: one("references"),
    text: all.find((p) => p.type === "text/plain")?.content ?? null,
    html: all.find((p) => p.type === "text/html")?.content ?? null,
  };
}
