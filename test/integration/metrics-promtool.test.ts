/** The exposition against the real promtool (spawns a binary; the setup may apt-get it). */
import { beforeAll, describe, expect, it } from "vitest";
import { createMetrics, createRegistry } from "../../src/metrics/index.js";
import { setup, view } from "../helpers/metrics.js";
import { ensureBinaries, run } from "../helpers/system.js";

beforeAll(() => {
  ensureBinaries(["promtool"]);
});

/** A registry as `orgwatch run` builds it: build info and process metrics on. */
async function runLike(perOrg: boolean): Promise<string> {
  const registry = createRegistry();
  const orgs = [
    view("acme"),
    view("beta", { state: "unhealthy", cause: "user_inactive", backoffLevel: 2 }),
    // Not a valid org id, but the format must hold for any label value.
    view('we"ird\\id\nx', { state: "unhealthy", cause: "api_disabled" }),
  ];
  createMetrics({ registry, perOrg, orgs: () => orgs, build: { version: "1.2.3" } });
  return registry.metrics();
}

describe("exposition", () => {
  it("passes promtool check metrics", async () => {
    const { registry } = setup();
    const lint = run("promtool", ["check", "metrics"], await registry.metrics());
    expect(lint.output).toBe("");
    expect(lint.status).toBe(0);
  });

  it.each([true, false])(
    "passes with build info, process metrics and per-org series %s",
    async (perOrg) => {
      const text = await runLike(perOrg);
      expect(text).toContain(`orgwatch_build_info{version="1.2.3",node="${process.version}"} 1`);
      expect(text).toContain("process_cpu_seconds_total");
      expect(text).toContain("nodejs_heap_size_used_bytes");
      expect(text.includes('orgwatch_org_up{org="acme"} 1')).toBe(perOrg);
      const lint = run("promtool", ["check", "metrics"], text);
      expect(lint.output).toBe("");
      expect(lint.status).toBe(0);
    },
  );

  it("promtool would catch a bad metric (the lint is real)", () => {
    const lint = run(
      "promtool",
      ["check", "metrics"],
      "# HELP x_total c\n# TYPE x_total gauge\nx_total 1\n",
    );
    expect(lint.output).not.toBe("");
  });

  it("promtool rejects a label value left unescaped (so the escaping is tested)", () => {
    const lint = run(
      "promtool",
      ["check", "metrics"],
      '# HELP x_up u\n# TYPE x_up gauge\nx_up{org="we"ird"} 1\n',
    );
    expect(lint.status).not.toBe(0);
  });
});
