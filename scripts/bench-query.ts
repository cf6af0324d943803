/** Bench section: the API's fleet queries (queryOrgs, fleetSummary) over 100,000 orgs. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfigTree } from "../src/config/load.js";
import { initialState } from "../src/domain/state.js";
import { Fleet } from "../src/monitor/fleet.js";
import { fleetSummary, queryOrgs, type OrgQuery } from "../src/monitor/fleet-query.js";
import { generateIdentity } from "../src/platform/keygen.js";

const ORGS = 100_000;
const RUNS = 200;

/** Median and p99 of a query in ms, and the index entries it read. */
function timeQuery(fleet: Fleet, query: OrgQuery): string {
  const times: number[] = [];
  let scanned = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const t = performance.now();
    scanned = queryOrgs(fleet, query).scanned;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p: number): string => (times[Math.floor((p / 100) * (RUNS - 1))] ?? 0).toFixed(3);
  return `p50 ${at(50)} ms, p99 ${at(99)} ms, ${String(scanned)} entries read`;
}

/** Loads 100,000 orgs (1% unhealthy, tags by region) and times the API's list queries. */
export const querySection = {
  name: "query",
  run(): Promise<Record<string, number | string>> {
    const dir = mkdtempSync(join(tmpdir(), "orgwatch-bench-"));
    try {
      const id = generateIdentity();
      const configStart = performance.now();
      const config = loadConfigTree(
        {
          orgs: Array.from({ length: ORGS }, (_, i) => ({
            id: `org-${String(i).padStart(6, "0")}`,
            name: `Customer ${String(i)}`,
            loginUrl: `https://org-${String(i)}.my.salesforce.com`,
            clientId: "3MVG9bench",
            username: `integration@org-${String(i)}.example`,
            privateKey: id.privateKeyPem,
            tags: [["eu", "us", "apac"][i % 3] ?? "eu", ...(i % 1000 === 0 ? ["vip"] : [])],
          })),
        },
        { file: join(dir, "bench.yaml"), env: {} },
      );
      const configMs = performance.now() - configStart;
      const fleet = new Fleet();
      const loadStart = performance.now();
      config.orgs.forEach((target, i) => {
        const state = initialState(target.id);
        const sick = i % 100 === 7;
        fleet.add(target, {
          ...state,
          state: sick ? "unhealthy" : "healthy",
          cause: sick ? "api_disabled" : null,
        });
      });
      const loadMs = performance.now() - loadStart;
      const firstStart = performance.now();
      queryOrgs(fleet, { limit: 50 });
      queryOrgs(fleet, { text: "customer", limit: 50 });
      const firstMs = performance.now() - firstStart;
      const summaryStart = performance.now();
      for (let i = 0; i < RUNS; i += 1) fleetSummary(fleet);
      const summaryMs = (performance.now() - summaryStart) / RUNS;
      return Promise.resolve({
        orgs: ORGS,
        "config load, for scale (ms)": Math.round(configMs),
        "fleet.add x100,000 with indexes (ms)": Math.round(loadMs),
        "first walk after load, merges pending (ms)": Math.round(firstMs),
        "page of 50, no filter": timeQuery(fleet, { limit: 50 }),
        "page of 50, cause=api_disabled (1,000)": timeQuery(fleet, {
          cause: "api_disabled",
          limit: 50,
        }),
        "page of 50, tag=eu & state=unhealthy": timeQuery(fleet, {
          tag: "eu",
          state: "unhealthy",
          limit: 50,
        }),
        "text=org-004242": timeQuery(fleet, { text: "org-004242", limit: 50 }),
        "text=customer & tag=vip": timeQuery(fleet, { text: "customer", tag: "vip", limit: 50 }),
        "fleetSummary (ms)": summaryMs.toFixed(4),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
