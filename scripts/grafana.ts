import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Dashboard } from "./grafana/builders.js";
import { fleetDashboard } from "./grafana/fleet.js";
import { orgDashboard } from "./grafana/org.js";

export type { Dashboard, Panel, Target } from "./grafana/builders.js";
export { fleetDashboard, orgDashboard };

/** Every generated dashboard by file name. */
export function buildDashboards(): Record<string, Dashboard> {
  return { "orgwatch-fleet.json": fleetDashboard(), "orgwatch-org.json": orgDashboard() };
}

/** The exact file text written for a dashboard. */
export function renderDashboard(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

/** Writes every dashboard into `dir`; returns the paths written. */
export function writeDashboards(dir = resolve("grafana/dashboards")): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(buildDashboards()).map(([name, d]) => {
    const path = join(dir, name);
    writeFileSync(path, renderDashboard(d));
    return path;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const path of writeDashboards()) console.log(`wrote ${path}`);
}
