/** The exposition against the real promtool (spawns a binary; the setup may apt-get it). */
import { beforeAll, describe, expect, it } from "vitest";
import { setup } from "../helpers/metrics.js";
import { ensureBinaries, run } from "../helpers/system.js";

beforeAll(() => {
  ensureBinaries(["promtool"]);
});

describe("exposition", () => {
  it("passes promtool check metrics", async () => {
    const { registry } = setup();
    const lint = run("promtool", ["check", "metrics"], await registry.metrics());
    expect(lint.output).toBe("");
    expect(lint.status).toBe(0);
  });

  it("promtool would catch a bad metric (the lint is real)", () => {
    const lint = run(
      "promtool",
      ["check", "metrics"],
      "# HELP x_total c\n# TYPE x_total gauge\nx_total 1\n",
    );
    expect(lint.output).not.toBe("");
  });
});
