/** Longest evidence quote a summary or fix step may carry. */
export const MAX_QUOTE_CHARS = 200;

const REDACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  // PEM blocks (a private key must never travel, even by accident).
  [/-----BEGIN [A-Z ]*-----[\s\S]*?(?:-----END [A-Z ]*-----|$)/g, "<pem>"],
  // JWT / JWS compact form: header always starts with base64url of `{"`.
  [/eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){0,2}/g, "<jwt>"],
  // Opaque Salesforce session ids: 15/18-char org id, `!`, then the secret part.
  [/00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g, "<session id>"],
  // Anything presented as a bearer credential or a named secret field.
  [/\b(Bearer)\s+[^\s"',;]+/gi, "$1 <secret>"],
  [
    /\b(access_token|refresh_token|assertion|client_secret|sessionId|sid|signature|password)(["']?\s*[:=]\s*["']?)[^\s"'&,;<]+/gi,
    "$1$2<secret>",
  ],
];

/**
 * Removes anything secret-looking from text that came off the wire (session ids, JWTs, bearer
 * values, PEM blocks, `access_token=`-style fields), collapses whitespace and caps the length.
 */
export function scrub(text: string, maxChars: number = MAX_QUOTE_CHARS): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  out = out.replace(/\s+/g, " ").trim();
  return out.length > maxChars ? `${out.slice(0, maxChars - 1)}…` : out;
}

/** Turns an unparsable body excerpt (often HTML) into short readable text, then scrubs it. */
export function readableExcerpt(body: string, maxChars = 120): string {
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ");
  return scrub(text, maxChars);
}
