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
        query: { query: "label_values(orgwatch_org_up, org)" },
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
});
