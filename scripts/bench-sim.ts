/**
 * The bench's simulator process: `node dist/scripts/bench-sim.js ORGS CERTFILE PORT` serves ORGS
 * healthy orgs (bench-0 … bench-N-1, one integration user each, limits out of the way) on
 * 127.0.0.1:PORT until SIGTERM. The spec is built in memory: `orgwatch simulate` on a 100,000-org
 * SIMFILE spends about a minute parsing YAML and printing one line per org, time the bench needs.
 */
import { readFileSync } from "node:fs";
import { startSimulator, type SimSpecInput } from "../src/simulator/index.js";

/** The shared app's consumer key. */
export const CLIENT_ID = "3MVG9bench";

/** The org id (and My Domain) and integration user of org i; one user per org, as budgets are per user. */
export function benchOrg(i: number): { id: string; username: string } {
  return { id: `bench-${String(i)}`, username: `integration@bench-${String(i)}.example` };
}

/** The spec of `orgs` healthy orgs sharing one app whose certificate is `certificatePem`. */
export function benchSpec(orgs: number, certificatePem: string): SimSpecInput {
  return {
    apps: [{ clientId: CLIENT_ID, certificate: certificatePem }],
    orgs: Array.from({ length: orgs }, (_, i) => {
      const { id, username } = benchOrg(i);
      return {
        id,
        myDomain: id,
        app: CLIENT_ID,
        users: [{ username }],
        apiMax: 1_000_000_000,
        loginRateLimit: 1_000_000,
      };
    }),
  };
}

async function main(args: string[]): Promise<void> {
  const [orgs = "0", certFile = "", port = "0"] = args;
  const sim = await startSimulator({
    spec: benchSpec(Number(orgs), readFileSync(certFile, "utf8")),
    port: Number(port),
  });
  process.stdout.write(`listening ${String(sim.port)}\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (process.argv[1]?.endsWith("bench-sim.js")) await main(process.argv.slice(2));
