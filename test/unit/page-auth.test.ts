import { describe, expect, it } from "vitest";
import {
  cookieValue,
  sessionCookie,
  shareUrl,
  signSession,
  signShare,
  verifySession,
  verifyShare,
} from "../../src/http/page-auth.js";
import { safeNext } from "../../src/http/page-login.js";
import { esc, html, linkify } from "../../src/http/page-html.js";

const SECRET = "share-secret-0123456789abcdef0123456789";
const NOW = Date.parse("2026-03-01T12:00:00Z");
const DAY = 86_400_000;

describe("share links", () => {
  it("a signed token opens its org until it expires", () => {
    const token = signShare("acme-prod", NOW + 7 * DAY, SECRET);
    expect(verifyShare(token, SECRET, NOW)).toEqual({
      ok: true,
      orgId: "acme-prod",
      expiresAt: NOW + 7 * DAY,
    });
    expect(verifyShare(token, SECRET, NOW + 7 * DAY - 1000).ok).toBe(true);
  });

  it("refuses an expired token", () => {
    const token = signShare("acme-prod", NOW + 1000, SECRET);
    expect(verifyShare(token, SECRET, NOW + 1000)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a tampered expiry, signature or org", () => {
    const token = signShare("acme-prod", NOW + DAY, SECRET);
    const [org, exp, sig] = token.split(".") as [string, string, string];
    const later = `${org}.${String(Number(exp) + 86_400)}.${sig}`;
    expect(verifyShare(later, SECRET, NOW)).toEqual({ ok: false, reason: "bad_signature" });
    const flipped = `${org}.${exp}.${sig.startsWith("A") ? "B" : "A"}${sig.slice(1)}`;
    expect(verifyShare(flipped, SECRET, NOW)).toEqual({ ok: false, reason: "bad_signature" });
    // The signature of one org does not open another.
    const other = `acme-sbx.${exp}.${sig}`;
    expect(verifyShare(other, SECRET, NOW)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("a rotated secret revokes every link", () => {
    const token = signShare("acme-prod", NOW + DAY, SECRET);
    expect(verifyShare(token, `${SECRET}-rotated`, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("refuses malformed tokens without throwing", () => {
    for (const bad of ["", "acme", "acme.1.x", "ACME.1772366400.abc", "a.b.c.d", "../x"]) {
      expect(verifyShare(bad, SECRET, NOW)).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("builds the URL under server.publicUrl and never embeds the secret", () => {
    const token = signShare("acme-prod", NOW + DAY, SECRET);
    const url = shareUrl("https://orgwatch.example.com/", token);
    expect(url).toBe(`https://orgwatch.example.com/share/${token}`);
    expect(url).not.toContain(SECRET);
  });
});

describe("login cookie", () => {
  const TOKEN = "api-token-0123456789";

  it("is signed for the API token and expires", () => {
    const value = signSession(TOKEN, NOW, DAY);
    expect(value).not.toContain(TOKEN);
    expect(verifySession(value, TOKEN, NOW + DAY - 1000)).toBe(true);
    expect(verifySession(value, TOKEN, NOW + DAY)).toBe(false);
    expect(verifySession(value, `${TOKEN}-new`, NOW)).toBe(false);
    const [exp, sig] = value.split(".") as [string, string];
    expect(verifySession(`${String(Number(exp) + 3600)}.${sig}`, TOKEN, NOW)).toBe(false);
    expect(verifySession("garbage", TOKEN, NOW)).toBe(false);
  });

  it("is HttpOnly and SameSite=Strict, Secure on https", () => {
    expect(sessionCookie("v", false)).toMatch(
      /^orgwatch_session=v; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/,
    );
    expect(sessionCookie("v", true)).toMatch(/; Secure$/);
    expect(cookieValue("a=1; orgwatch_session=xyz; b=2", "orgwatch_session")).toBe("xyz");
    expect(cookieValue(undefined, "orgwatch_session")).toBeNull();
  });

  it("only redirects to local pages after a login", () => {
    expect(safeNext("/orgs/acme?x=1")).toBe("/orgs/acme?x=1");
    for (const bad of ["//evil.example", "https://evil.example", "/login", "javascript:x", 3]) {
      expect(safeNext(bad)).toBe("/");
    }
  });
});

describe("page HTML", () => {
  it("escapes every interpolated value and links only http(s) URLs", () => {
    expect(html`<p title="${'"><script>'}">${"<b>&"}</p>`.html).toBe(
      '<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;&amp;</p>',
    );
    expect(esc("'")).toBe("&#39;");
    const step = linkify(
      "Setup → Users (https://acme.my.salesforce.com/lightning/setup/ManageUsers/home). <img src=x>",
    ).html;
    expect(step).toContain(
      '<a href="https://acme.my.salesforce.com/lightning/setup/ManageUsers/home" target="_blank" rel="noopener noreferrer">',
    );
    expect(step).toContain('rel="noopener noreferrer">Users</a>. &lt;img src=x&gt;');
    // A URL ending in a placeholder is a template to fill in, not a link.
    const template = linkify("open https://x.my.salesforce.com/a?app_id=<0Ci id> here").html;
    expect(template).toBe("open https://x.my.salesforce.com/a?app_id=&lt;0Ci id&gt; here");
    expect(linkify("see https://status.salesforce.com.").html).toContain(
      '<a href="https://status.salesforce.com" target="_blank" rel="noopener noreferrer">https://status.salesforce.com</a>.',
    );
    expect(linkify("javascript:alert(1)").html).toBe("javascript:alert(1)");
  });
});
