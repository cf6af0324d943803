import { randomBytes } from "node:crypto";
import type { FastifyReply } from "fastify";

/** HTML text produced by these helpers: already escaped, safe to concatenate. */
export interface Html {
  readonly html: string;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes a value for HTML text and attribute values. */
export function esc(value: string | number | boolean | null | undefined): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Tagged template: every interpolated value is escaped unless it is Html (or a list of Html),
 * so a forgotten `esc` cannot open a hole.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += piece(value) + (strings[i + 1] ?? "");
  });
  return { html: out };
}

function piece(value: unknown): string {
  if (Array.isArray(value)) return value.map(piece).join("");
  if (typeof value === "object" && value !== null && "html" in value) return (value as Html).html;
  if (value === null || value === undefined || value === false) return "";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return esc(value);
  }
  throw new Error("html: only text, numbers and Html may be interpolated");
}

const URL_RE = /https?:\/\/[^\s()<>"']+[^\s()<>"'.,;:]/g;
// A fix step's "Setup → Users (https://…)": the page name becomes the link, the URL its target.
const SETUP_RE = /(Setup → )([^()→]+?) \((https?:\/\/[^\s()<>"']+)\)/g;

function urls(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const at = m.index;
    out += esc(text.slice(last, at));
    // A URL followed by a placeholder ("…app_id=<0Ci id>") is a template, not a link.
    const template = text[at + m[0].length] === "<";
    out += template ? esc(m[0]) : anchor(m[0], m[0]);
    last = at + m[0].length;
  }
  return out + esc(text.slice(last));
}

function anchor(href: string, label: string): string {
  return `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer">${esc(label)}</a>`;
}

/** A `list` table (the page's one table style) with these column headings and rows. */
export function listTable(id: string, headings: readonly string[], rows: Html[]): Html {
  return html`<table class="list" id="${id}">
    <thead>
      <tr>
        ${headings.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** Escapes text and turns its http(s) URLs (the fix steps' Setup links) into links. */
export function linkify(text: string): Html {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(SETUP_RE)) {
    const [whole, setup = "", label = "", href = ""] = m;
    out += urls(text.slice(last, m.index)) + esc(setup) + anchor(href, label);
    last = m.index + whole.length;
  }
  return { html: out + urls(text.slice(last)) };
}

/** "3 min ago", "2 h ago", "in 4 min": how far an ISO time is from now. */
export function ago(iso: string | null, nowMs: number): string {
  if (iso === null) return "never";
  const diff = nowMs - Date.parse(iso);
  const abs = Math.abs(diff);
  const words =
    abs < 60_000
      ? `${String(Math.round(abs / 1000))} s`
      : abs < 3_600_000
        ? `${String(Math.round(abs / 60_000))} min`
        : abs < 172_800_000
          ? `${String(Math.round(abs / 3_600_000))} h`
          : `${String(Math.round(abs / 86_400_000))} d`;
  return diff >= 0 ? `${words} ago` : `in ${words}`;
}

/** A time element: the relative words, the exact UTC time on hover. */
export function when(iso: string | null, nowMs: number): Html {
  if (iso === null) return html`<span class="muted">never</span>`;
  return html`<time datetime="${iso}" title="${iso}">${ago(iso, nowMs)}</time>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;background:#f5f6f8}
header{background:#1d2430;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}
header .who{margin-left:auto;font-size:.85rem;opacity:.8}
main{max-width:1100px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 .6rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
section>h2:first-child{margin-top:.2rem}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:.8rem 1rem;margin:.8rem 0}
a{color:#0b5cad}
.muted{color:#5d6675}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:.6rem .8rem;color:#454d5b;text-decoration:none}
.card:hover{border-color:#0b5cad}
.card b{display:block;font-size:1.6rem;color:#1d2430}
#count-unhealthy b{color:#9b1c1c}#count-healthy b{color:#17612c}
.state{display:inline-block;padding:.05rem .5rem;border-radius:99px;font-size:.85rem;font-weight:600}
.s-healthy{background:#dff3e4;color:#17612c}.s-unhealthy{background:#fde2e1;color:#9b1c1c}.s-unknown{background:#e8eaef;color:#454d5b}
.cause{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #eceef2;vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:#5d6675}
td{overflow-wrap:anywhere}
td.nowrap,td.nowrap .cause{white-space:nowrap;overflow-wrap:normal}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:#5d6675;flex:1 1 9rem}
input,select,button{font:inherit;padding:.4rem .5rem;border:1px solid #b9c0cb;border-radius:6px;background:#fff;min-width:0;max-width:100%}
button{background:#0b5cad;color:#fff;border-color:#0b5cad;cursor:pointer;font-weight:600}
button[disabled]{opacity:.6}
button.link{background:none;border:0;color:#fff;font-weight:400;padding:0;text-decoration:underline}
ol.fix li{margin:.35rem 0;overflow-wrap:anywhere}
.stages{display:flex;flex-wrap:wrap;gap:.25rem}
.st{font-size:.75rem;padding:.05rem .4rem;border-radius:4px;white-space:nowrap}
.st-ok{background:#dff3e4;color:#17612c}.st-fail{background:#fde2e1;color:#9b1c1c}.st-skip{background:#eceef2;color:#5d6675}
.notice{padding:.5rem .7rem;border-radius:6px;background:#fff6db;border:1px solid #f0d98a;margin:.5rem 0}
.notice.ok{background:#dff3e4;border-color:#a6d8b3}.notice.err{background:#fde2e1;border-color:#f1aaa7}
.pager{display:flex;gap:1rem;margin-top:.6rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}
dl.facts dt{color:#5d6675}dl.facts dd{margin:0;overflow-wrap:anywhere}
@media (max-width:640px){
 main{padding:.6rem}
 table.list thead{display:none}
 table.list tr{display:block;border-bottom:1px solid #dde1e7;padding:.4rem 0}
 table.list td{display:inline-block;border:0;padding:.1rem .6rem .1rem .2rem;white-space:normal}
 table.list td:first-child{display:block;font-weight:600}
 table.list td[data-label]:not(:first-child)::before{content:attr(data-label) ": ";color:#5d6675;font-size:.8rem}
}`;

/** Everything a page needs around its body. */
export interface LayoutOptions {
  title: string;
  body: Html;
  /** Shown in the header (e.g. "shared link for acme-prod"); null for the full page. */
  who: string | null;
  /** Whether the header links to the fleet page (not on share pages). */
  fleetLink: boolean;
  /** Whether the header offers "Sign out" (a login through the token form). */
  signOut?: boolean;
  /** Inline script run after the body (given the nonce of the page's CSP). */
  script?: string;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The status page's base path (see pageBasePath), set by registerPage. */
    orgwatchPageBase?: string;
  }
}

/**
 * The path people reach the status page under: `server.publicUrl`'s path with a trailing slash
 * ("/" without one). A reverse proxy that serves orgwatch under `/orgwatch/` and strips that
 * prefix needs it in every link; the page's links are relative to a `<base href>` of this path.
 */
export function pageBasePath(publicUrl: string | undefined): string {
  if (publicUrl === undefined) return "/";
  return `${new URL(publicUrl).pathname.replace(/\/+$/, "")}/`;
}

/** The page's base path for this reply's server ("/" unless registerPage set one). */
export function basePathOf(reply: FastifyReply): string {
  return reply.server.orgwatchPageBase ?? "/";
}

/** Sends a full HTML page with a strict CSP (inline code only with this response's nonce). */
export function sendPage(reply: FastifyReply, status: number, o: LayoutOptions): FastifyReply {
  const nonce = randomBytes(16).toString("base64");
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <base href="${basePathOf(reply)}" />
        <title>${o.title} · orgwatch</title>
        <style nonce="${nonce}">
          ${{ html: CSS }}
        </style>
      </head>
      <body>
        <header>
          ${o.fleetLink ? html`<a href="./">orgwatch</a>` : html`<span>orgwatch</span>`}
          ${o.who === null ? "" : html`<span class="who">${o.who}</span>`}
          ${
            o.signOut === true
              ? html`<form method="post" action="logout" class="who">
                  <button type="submit" class="link">Sign out</button>
                </form>`
              : ""
          }
        </header>
        <main>${o.body}</main>
        ${
          o.script === undefined
            ? ""
            : html`<script nonce="${nonce}">
                ${{ html: o.script }};
              </script>`
        }
      </body>
    </html>`;
  return reply
    .code(status)
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("referrer-policy", "no-referrer")
    .header("x-content-type-options", "nosniff")
    .header("x-frame-options", "DENY")
    .header(
      "content-security-policy",
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'`,
    )
    .send(page.html);
}
