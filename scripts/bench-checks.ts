/** Bench section: full check passes (token + five API stages + classification) per second. */
import { performance } from "node:perf_hooks";
import { loadConfigTree } from "../src/config/load.js";
import { EMPTY_HISTORY } from "../src/domain/history.js";
import { checkOrg } from "../src/monitor/check-org.js";
import { systemClock } from "../src/platform/clock.js";
import { createHttpSend, pinnedLookup } from "../src/platform/http.js";
import { generateIdentity } from "../src/platform/keygen.js";
import { mapPool } from "../src/platform/pool.js";
import { SalesforceClient } from "../src/salesforce/client.js";
import { startSimulator } from "../src/simulator/index.js";

const ORGS = 200;

/** Runs `BENCH_CHECKS` (default 2,000) passes over 200 healthy simulated orgs, 64 at a time. */
export const checksSection = {
  name: "checks",
  async run(): Promise<Record<string, number | string>> {
    const total = Number(process.env.BENCH_CHECKS ?? 2000);
    const id = generateIdentity();
    const ids = Array.from({ length: ORGS }, (_, i) => `bench-${i}`);
    const sim = await startSimulator({
      spec: {
        apps: [{ clientId: "3MVG9bench", certificate: id.certificatePem }],
        orgs: ids.map((org) => ({
          id: org,
          myDomain: org,
          app: "3MVG9bench",
          users: [{ username: `integration@${org}.example` }],
          apiMax: 10_000_000,
          loginRateLimit: 1_000_000,
        })),
      },
    });
    try {
      const config = loadConfigTree(
        {
          orgs: ids.map((org) => ({
            id: org,
            loginUrl: `http://${org}.my.salesforce.com:${sim.port}`,
            clientId: "3MVG9bench",
            username: `integration@${org}.example`,
            privateKey: id.privateKeyPem,
          })),
        },
        { file: "bench.yaml", env: {} },
      );
      const lookup = pinnedLookup("*.salesforce.com=127.0.0.1");
      const client = new SalesforceClient(createHttpSend(lookup ? { lookup } : {}));
      const jobs = Array.from(
        { length: total },
        (_, i) => config.orgs[i % config.orgs.length],
      ).filter((t) => t !== undefined);
      const started = performance.now();
      const results = await mapPool(jobs, 64, (target, i) =>
        checkOrg(
          target,
          {
            checkId: `${target.id}:${String(i)}`,
            orgId: target.id,
            dueAt: 0,
            history: EMPTY_HISTORY,
            apiUsage: null,
          },
          { client, clock: systemClock, recheckCommand: () => "bench" },
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      return {
        passes: total,
        healthy: results.filter((r) => r.healthy).length,
        seconds: Number(seconds.toFixed(2)),
        "passes/s (one process, simulator in-process)": Math.round(total / seconds),
        "needed for 100,000 orgs at 5m (passes/s)": Math.round(100_000 / 300),
      };
    } finally {
      await sim.close();
    }
  },
};
