import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { restartOnlyChanges } from "../../src/config/diff.js";
import { loadConfigTree } from "../../src/config/load.js";

function load(tree: Record<string, unknown>, env: Record<string, string> = {}) {
  return loadConfigTree(tree, { file: "/tmp/orgwatch-diff.yaml", env });
}

const slack = { name: "oncall", kind: "slack", token: "${SLACK_TOKEN}", channel: "C0ALERTS" };

describe("restart-only fields", () => {
  it("names the sections that changed, a secret counted by its value", () => {
    const a = load({ notifiers: [slack] }, { SLACK_TOKEN: "xoxb-one" });
    expect(
      restartOnlyChanges(a, load({ notifiers: [slack] }, { SLACK_TOKEN: "xoxb-one" })),
    ).toEqual([]);
    expect(
      restartOnlyChanges(a, load({ notifiers: [slack] }, { SLACK_TOKEN: "xoxb-two" })),
    ).toEqual(["notifiers"]);
    const b = load(
      {
        server: { listen: "127.0.0.1:1" },
        scheduler: { concurrency: 4 },
        notifiers: [slack],
        defaults: { interval: "1m" },
        routes: [{ match: {}, notify: ["oncall"] }],
      },
      { SLACK_TOKEN: "xoxb-one" },
    );
    // defaults and routes apply on a reload; server and scheduler wait for a restart.
    expect(restartOnlyChanges(a, b)).toEqual(["server", "scheduler"]);
  });
});

describe("server.publicUrl and slack.signingSecret", () => {
  it("the example's lines load once uncommented; the secret never prints", () => {
    const text = readFileSync("config/orgwatch.example.yaml", "utf8")
      .replace(/^ {2}# publicUrl:/m, "  publicUrl:")
      .replace(/^# slack:/m, "slack:");
    const config = loadConfigTree(parse(text), {
      file: "/tmp/orgwatch-example.yaml",
      env: { SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5" },
    });
    expect(config.problems).toEqual([]);
    expect(config.top.server.publicUrl).toBe("https://orgwatch.example.com");
    expect(JSON.stringify(config.top)).not.toContain("8f742231b10e8888");
    expect(config.top.slack?.signingSecret.reveal()).toBe("8f742231b10e8888abcd99yyyzzz85a5");
  });

  it("a signing secret too short to be one, or a URL without a scheme, names the fix", () => {
    const config = load({
      server: { publicUrl: "orgwatch.example.com" },
      slack: { signingSecret: "abc" },
    });
    expect(config.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'server.publicUrl: "orgwatch.example.com" is not a URL; write https://orgwatch.example.com',
      "slack.signingSecret: must be the Slack app's Signing Secret (Basic Information), e.g. ${SLACK_SIGNING_SECRET}",
    ]);
  });
});
