/**
 * `npm run bench [-- section...]`: prints each section's figures as aligned lines.
 * `npm run bench -- --json [...]`: the issue-11 figures as one JSON object (scripts/bench-json.ts).
 * `npm run bench -- soak [...]`: whole intervals at fleet size, memory over time (bench-soak.ts).
 * Figures are printed, never asserted: they depend on the machine.
 */
import { Agent, request } from "node:http";
import { createPrivateKey } from "node:crypto";
import { performance } from "node:perf_hooks";
import { SignJWT } from "jose";
import { generateIdentity } from "../src/platform/keygen.js";
import { startSimulator } from "../src/simulator/index.js";
import { benchStore } from "./bench-store.js";
import { checksSection } from "./bench-checks.js";
import { coordinatorSection } from "./bench-coordinator.js";
import { metricsSection } from "./bench-metrics.js";
import { benchSender } from "./bench-sender.js";
import { querySection } from "./bench-query.js";
import { runBenchJson, type BenchJsonOptions } from "./bench-json.js";
import { runSoak, soakOptions } from "./bench-soak.js";
import { verdictTable } from "./bench-targets.js";

/** One benchmark: a name and a run that returns its figures. */
export interface BenchSection {
  name: string;
  run(): Promise<Record<string, number | string>>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/services/oauth2/token",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function signedBodies(
  count: number,
  clientId: string,
  privateKeyPem: string,
): Promise<string[]> {
  const key = createPrivateKey(privateKeyPem);
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const assertion = await new SignJWT({
      iss: clientId,
      sub: "integration@bench.com",
      aud: "https://login.salesforce.com",
      exp,
      jti: String(i),
    })
      .setProtectedHeader({ alg: "RS256" })
      .sign(key);
    bodies.push(
      new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion,
      }).toString(),
    );
  }
  return bodies;
}

/** Token requests per second against one healthy org over loopback (keep-alive, pre-signed). */
const simulatorSection: BenchSection = {
  name: "simulator",
  async run() {
    const total = Number(process.env["BENCH_N"] ?? 5000);
    const concurrency = Number(process.env["BENCH_K"] ?? 32);
    const id = generateIdentity();
    const sim = await startSimulator({
      spec: {
        apps: [{ clientId: "3MVG9bench", certificate: id.certificatePem }],
        orgs: [
          {
            id: "bench",
            myDomain: "bench",
            app: "3MVG9bench",
            users: [{ username: "integration@bench.com" }],
            loginRateLimit: 1_000_000_000,
          },
        ],
      },
    });
    const bodies = await signedBodies(concurrency, "3MVG9bench", id.privateKeyPem);
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const latencies: number[] = [];
    let next = 0;
    let ok = 0;
    const worker = async (slot: number): Promise<void> => {
      while (next < total) {
        next += 1;
        const start = performance.now();
        const status = await post(agent, sim.port, bodies[slot] ?? "");
        latencies.push(performance.now() - start);
        if (status === 200) ok += 1;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, (_, slot) => worker(slot)));
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();
    await sim.close();
    latencies.sort((a, b) => a - b);
    return {
      requests: total,
      concurrency,
      ok,
      "token requests/s": Math.round(total / seconds),
      "p50 ms": Number(percentile(latencies, 50).toFixed(2)),
      "p99 ms": Number(percentile(latencies, 99).toFixed(2)),
    };
  },
};

/** Every section, in running order. */
export const SECTIONS: BenchSection[] = [
  simulatorSection,
  checksSection,
  coordinatorSection,
  metricsSection,
  { name: "sender", run: () => benchSender() },
  querySection,
  {
    name: "store",
    run: () => {
      const b = benchStore();
      return Promise.resolve({
        "passes recorded": b.results,
        "stage rows": b.stageRows,
        "batch size": b.batchSize,
        seconds: Number(b.seconds.toFixed(2)),
        "passes/s": Math.round(b.resultsPerSecond),
        "needed for 100,000 orgs at 5m (passes/s)": Math.round(b.neededPerSecond),
      });
    },
  },
];

function print(name: string, figures: Record<string, number | string | null>): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  process.stdout.write(`${name}\n`);
  for (const [key, value] of Object.entries(figures)) {
    process.stdout.write(`  ${key.padEnd(width)}  ${String(value)}\n`);
  }
}

type NumericOption = Exclude<keyof BenchJsonOptions, "log">;

const JSON_FLAGS: Record<string, NumericOption> = {
  "--orgs": "orgs",
  "--interval": "intervalSeconds",
  "--seconds": "seconds",
  "--runs": "runs",
  "--budget": "budgetSeconds",
};

/** `--json [--orgs N] [--interval S] [--seconds S] [--runs N] [--budget S]`. */
async function mainJson(args: string[]): Promise<number> {
  const options: Partial<Record<NumericOption, number>> = {};
  for (let i = 0; i < args.length; i += 2) {
    const key = JSON_FLAGS[args[i] ?? ""];
    const value = Number(args[i + 1]);
    if (!key || !Number.isFinite(value) || value <= 0) {
      process.stderr.write(
        `--json takes ${Object.keys(JSON_FLAGS).join(", ")}, each with a positive number\n`,
      );
      return 2;
    }
    options[key] = value;
  }
  const json = await runBenchJson(options);
  process.stderr.write(`${verdictTable(json, json.targets)}\n`);
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  return 0;
}

/** `soak [--orgs N] [--interval S] [--intervals N] [--sim-orgs N]`: whole intervals at size. */
async function mainSoak(args: string[]): Promise<number> {
  const options = soakOptions(args);
  if (typeof options === "string") {
    process.stderr.write(`${options}\n`);
    return 2;
  }
  print("soak", await runSoak(options));
  return 0;
}

async function main(args: string[]): Promise<number> {
  if (args[0] === "--json") return mainJson(args.slice(1));
  if (args[0] === "soak") return mainSoak(args.slice(1));
  const unknown = args.filter((a) => !SECTIONS.some((s) => s.name === a));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown section(s): ${unknown.join(", ")}; known: ${SECTIONS.map((s) => s.name).join(", ")}\n`,
    );
    return 2;
  }
  for (const section of SECTIONS.filter((s) => args.length === 0 || args.includes(s.name))) {
    print(section.name, await section.run());
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
