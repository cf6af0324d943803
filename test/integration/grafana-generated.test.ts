import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDashboards, renderDashboard } from "../../scripts/grafana.js";

const DIR = "grafana/dashboards";

describe("generated Grafana dashboards", () => {
  it.each(Object.entries(buildDashboards()))(
    "%s is what scripts/grafana.ts produces (run `npm run dashboards`)",
    (name, dashboard) => {
      expect(readFileSync(join(DIR, name), "utf8")).toBe(renderDashboard(dashboard));
    },
  );

  it.each(Object.entries(buildDashboards()))(
    "%s has prometheus datasource and org variables, unique panel ids and no overlaps",
    (_name, d) => {
      const vars = d.templating.list as { name: string; type: string; query: unknown }[];
      expect(vars.find((v) => v.name === "datasource")).toMatchObject({
        type: "datasource",
        query: "prometheus",
      });
      expect(vars.find((v) => v.name === "org")).toMatchObject({
        type: "query",
        query: { query: 'label_values(orgwatch_org_up{job="$job", instance="$instance"}, org)' },
      });
      expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
      const cells = new Set<string>();
      for (const p of d.panels) {
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x += 1) {
          for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y += 1) {
            expect(cells.has(`${x},${y}`), `${p.title} overlaps`).toBe(false);
            cells.add(`${x},${y}`);
          }
        }
        expect(p.targets.length).toBeGreaterThan(0);
        expect(p.datasource.uid).toBe("${datasource}");
      }
    },
  );

  it.each(Object.entries(buildDashboards()))(
    "%s shows one orgwatch: job and instance variables, single-valued, on every series",
    (_name, d) => {
      const vars = d.templating.list as { name: string; multi?: boolean; includeAll?: boolean }[];
      expect(vars.map((v) => v.name)).toEqual(["datasource", "job", "instance", "org"]);
      for (const name of ["job", "instance"]) {
        expect(vars.find((v) => v.name === name)).toMatchObject({
          multi: false,
          includeAll: false,
        });
      }
      for (const p of d.panels) {
        for (const t of p.targets) {
          const selectors = [...t.expr.matchAll(/\borgwatch_[a-z0-9_]+(\{[^}]*\})?/g)];
          expect(selectors.length, t.expr).toBeGreaterThan(0);
          for (const [selector, braces] of selectors) {
            expect(braces ?? "", selector).toContain('job="$job", instance="$instance"');
          }
        }
      }
    },
  );

  it("links every row of the fleet's org tables to the org dashboard", () => {
    const { "orgwatch-fleet.json": fleet, "orgwatch-org.json": org } = buildDashboards();
    const tables = fleet?.panels.filter((p) => p.type === "table") ?? [];
    expect(tables.length).toBeGreaterThanOrEqual(5);
    for (const p of tables) {
      const links = p.fieldConfig.defaults.links as { url: string }[] | undefined;
      expect(links?.[0]?.url, p.title).toMatch(
        new RegExp(`^/d/${org?.uid ?? "?"}/.*[?&]var-org=\\$\\{__data\\.fields\\.org\\}`),
      );
      expect(links?.[0]?.url).toContain("var-instance=${instance}");
    }
  });

  it.each(Object.entries(buildDashboards()))(
    "%s puts the summary beside every cause id",
    (_name, d) => {
      const causeTargets = d.panels.flatMap((p) =>
        p.targets.filter((t) => /\bcause\b/.test(t.expr) && !/orgwatch_orgs\{/.test(t.expr)),
      );
      for (const t of causeTargets.filter((t) =>
        /by \([^)]*cause|orgwatch_org_cause/.test(t.expr),
      )) {
        expect(t.expr).toContain("group_left (summary)");
        expect(t.expr).toContain("orgwatch_cause_info");
        if (t.legendFormat.includes("{{cause}}") && t.format !== "table")
          expect(t.legendFormat).toContain("{{summary}}");
      }
      expect(causeTargets.length).toBeGreaterThan(0);
    },
  );

  it.each(Object.entries(buildDashboards()))(
    "%s never mixes seconds with other units in one panel; per-org panels say why they may be empty",
    (_name, d) => {
      const seconds = (expr: string): boolean => /_seconds|time\(\)/.test(expr);
      for (const p of d.panels) {
        const kinds = new Set(p.targets.map((t) => seconds(t.expr)));
        expect(kinds.size, `${p.title} mixes units`).toBe(1);
        if (kinds.has(true) && !p.targets.every((t) => /orgwatch_org_up/.test(t.expr))) {
          expect(p.fieldConfig.defaults.unit, p.title).toBe("s");
        }
        if (p.targets.some((t) => /orgwatch_org_/.test(t.expr))) {
          expect(p.fieldConfig.defaults.noValue, p.title).toBeTruthy();
        }
      }
    },
  );
});
