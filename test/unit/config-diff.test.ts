import { describe, expect, it } from "vitest";
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
