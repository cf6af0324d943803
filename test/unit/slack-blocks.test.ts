import { describe, expect, it } from "vitest";
import { SLACK_LIMITS, blocksTextLength, renderSlack } from "../../src/alerting/slack-blocks.js";
import { clipEscaped, humanDuration, slackLink } from "../../src/alerting/slack-text.js";
import { alertMessage, alertOrg } from "../helpers/alert-message.js";

describe("slack text", () => {
  it("escapes only &, < and >, and never clips inside an entity", () => {
    expect(clipEscaped("a<b>&c *d*", 100)).toBe("a&lt;b&gt;&amp;c *d*");
    for (let max = 2; max < 20; max++) {
      const out = clipEscaped("&&&&&&&&&&", max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.replace(/&amp;/g, "")).toBe("…");
    }
  });

  it("writes links that cannot end early, and drops non-http ones to their label", () => {
    expect(slackLink("https://x.test/a?b=1&c=|>", "Setup | <Home>")).toBe(
      "<https://x.test/a?b=1&amp;c=%7C%3E|Setup ¦ &lt;Home&gt;>",
    );
    expect(slackLink("javascript:alert(1)", "x")).toBe("x");
  });

  it.each([
    [45_000, "45s"],
    [12 * 60_000, "12m"],
    [2 * 3_600_000 + 14 * 60_000, "2h 14m"],
    [3 * 86_400_000 + 4 * 3_600_000, "3d 4h"],
  ])("says %i ms as %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe("renderSlack", () => {
  it("keeps a pathological alert inside every Block Kit limit", () => {
    const msg = alertMessage({
      title: "t".repeat(400),
      summary: "<".repeat(5000),
      fix: Array.from({ length: 300 }, () => "&".repeat(700)),
      links: Array.from({ length: 100 }, (_, i) => ({
        label: "l".repeat(300),
        url: `https://x.test/${i}`,
      })),
      changes: Array.from({ length: 100 }, () => ">".repeat(400)),
      orgs: Array.from({ length: 500 }, (_, i) =>
        alertOrg(`${"o".repeat(60)}${i}`, {
          name: "n".repeat(200),
          cause: "api_disabled",
          changed: true,
        }),
      ),
      recheck: "`".repeat(1000),
      text: "&".repeat(10_000),
    });
    const { text, blocks } = renderSlack(msg);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of blocks) {
      if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(150);
      if (block.type === "section") expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    expect(blocksTextLength(blocks)).toBeLessThanOrEqual(11_500);
    const orgText = blocks.map((b) => (b.type === "section" ? b.text.text : "")).join("\n");
    expect(orgText.match(/^• /gm)?.length).toBeGreaterThanOrEqual(20 + 1);
    expect(orgText).toContain("+480 more");
  });

  it("leaves the fix and links out once resolved, and says how long it was down", () => {
    const msg = alertMessage({
      kind: "resolve",
      state: "resolved",
      openedAt: "2026-03-01T10:00:00Z",
      resolvedAt: "2026-03-01T12:14:00Z",
      counts: { total: 3, open: 0 },
    });
    const json = JSON.stringify(renderSlack(msg).blocks);
    expect(json).toContain("✅ Resolved: acme");
    expect(json).toContain("Down for *2h 14m*");
    expect(json).toContain("*0 of 3* orgs still down");
    expect(json).not.toContain("How to fix");
    expect(json).not.toContain("*Links*");
  });
});
