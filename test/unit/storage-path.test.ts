import { describe, expect, it } from "vitest";
import { historyPath } from "../../src/config/storage.js";

const config = (sqlite: string) => ({ dir: "/etc/orgwatch", top: { storage: { sqlite } } });

describe("historyPath: where storage.sqlite lands", () => {
  it.each([
    ["./data/orgwatch.db", undefined, "/etc/orgwatch/data/orgwatch.db"],
    ["./data/orgwatch.db", "", "/etc/orgwatch/data/orgwatch.db"],
    ["./data/orgwatch.db", "/var/lib/orgwatch", "/var/lib/orgwatch/data/orgwatch.db"],
    ["history.db", "/var/lib/orgwatch", "/var/lib/orgwatch/history.db"],
    ["/srv/h.db", "/var/lib/orgwatch", "/srv/h.db"],
  ])("%s with ORGWATCH_DATA_DIR=%s is %s", (sqlite, dataDir, expected) => {
    expect(historyPath(config(sqlite), dataDir)).toBe(expected);
  });
});
