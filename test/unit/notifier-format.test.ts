import { describe, expect, it } from "vitest";
import { messageIdFor, emailSubject } from "../../src/alerting/notifiers/email-render.js";
import {
  escapeHtml,
  firstOf,
  moreLine,
  parseRetryAfter,
  scrub,
  stateWord,
  truncate,
} from "../../src/alerting/notifiers/format.js";
import { pagerdutyDedupKey } from "../../src/alerting/notifiers/pagerduty.js";
import { alertMessage } from "../helpers/alerts.js";

describe("notifier formatting", () => {
  it("writes a valid, deterministic, collision-free Message-ID for any delivery id", () => {
    const ids = ["a:b", "a=3Ab", "a b", "a..b", ".a", "a.", "ü", "", "<x@y>"];
    const out = ids.map(messageIdFor);
    expect(new Set(out).size).toBe(ids.length);
    // RFC 5322 msg-id with a dot-atom-text left side.
    const dotAtom =
      /^<[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*@orgwatch>$/;
    for (const id of out) expect(id).toMatch(dotAtom);
    expect(messageIdFor("a:b")).toBe(messageIdFor("a:b"));
    expect(messageIdFor("thr-1.open")).toBe("<thr-1.open@orgwatch>");
  });

  it("names the state for each kind of message", () => {
    const word = (kind: Parameters<typeof alertMessage>[0]) => stateWord(alertMessage(kind));
    expect(word({ kind: "open" })).toBe("FIRING");
    expect(word({ kind: "update" })).toBe("UPDATE");
    expect(word({ kind: "reminder" })).toBe("REMINDER");
    expect(word({ kind: "resolve", state: "resolved" })).toBe("RESOLVED");
    expect(word({ kind: "update", state: "resolved" })).toBe("RESOLVED");
    expect(emailSubject(alertMessage({ title: "t".repeat(500) })).length).toBe(120);
  });

  it("reads Retry-After as seconds or as an HTTP date against the given now", () => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Tue, 01 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 01 Dec 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("escapes, truncates, lists the first N and scrubs secrets", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 4)).toBe("abc");
    expect(firstOf([1, 2, 3], 2)).toEqual({ shown: [1, 2], more: 1 });
    expect(moreLine(0)).toBeNull();
    expect(moreLine(3)).toBe("+3 more");
    expect(scrub("key k3y-1234 twice k3y-1234", ["k3y-1234"])).toBe("key <secret> twice <secret>");
  });

  it("keeps a PagerDuty dedup key within 255 characters, stably", () => {
    const long = alertMessage({ threadId: "t".repeat(300) });
    expect(pagerdutyDedupKey(long)).toHaveLength(64);
    expect(pagerdutyDedupKey(long)).toBe(
      pagerdutyDedupKey(alertMessage({ threadId: "t".repeat(300) })),
    );
    expect(pagerdutyDedupKey(alertMessage())).toBe("thr-acme-1");
  });
});
