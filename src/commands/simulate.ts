import type { Command } from "commander";

import { OrgwatchError } from "../platform/errors.js";
import { startSimulator, type Simulator } from "../simulator/index.js";
import type { CommandIo, CommandResult } from "./io.js";

/** Options of `orgwatch simulate`. */
export interface SimulateOptions {
  config: string;
  port?: string;
  host?: string;
}

/** Prints where the simulator listens and, per org, what a client should use. */
export function describeSimulator(sim: Simulator, io: CommandIo): void {
  io.stdout(`Salesforce simulator listening on ${sim.url}\n`);
  io.stdout(`control API: ${sim.url}/__sim/state (loopback only)\n`);
  for (const org of sim.control.state().orgs) {
    const [name, domain, scenario] = [org["id"], org["myDomainHost"], org["scenario"]].map(String);
    io.stdout(
      `org ${name}: login URL ${sim.url}  My Domain https://${domain}  scenario ${scenario}\n`,
    );
  }
}

/**
 * Runs the simulator until `waitForStop()` resolves, then closes it. Resolves to the exit code:
 * 0 after a clean shutdown, 2 when the SIMFILE or options are unusable.
 */
export async function runSimulate(
  opts: SimulateOptions,
  io: CommandIo,
  waitForStop: () => Promise<unknown>,
): Promise<number> {
  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`--port: "${opts.port ?? ""}" is not a port number (0-65535)\n`);
    return 2;
  }
  let sim: Simulator;
  try {
    sim = await startSimulator({ simfile: opts.config, port, host: opts.host ?? "127.0.0.1" });
  } catch (err) {
    if (!(err instanceof OrgwatchError)) throw err;
    io.stderr(`${err.message}\n`);
    return 2;
  }
  describeSimulator(sim, io);
  await waitForStop();
  await sim.close();
  io.stdout("simulator stopped\n");
  return 0;
}

/** Resolves on the first SIGINT or SIGTERM. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/** Registers `orgwatch simulate --config SIMFILE [--port N]`. */
export function registerSimulate(program: Command, io: CommandIo, result: CommandResult): void {
  program
    .command("simulate")
    .description(
      "run the faithful Salesforce simulator described by a SIMFILE until SIGINT/SIGTERM",
    )
    .requiredOption("-c, --config <simfile>", "the simulator YAML (apps, orgs, users, scenarios)")
    .option("-p, --port <n>", "port to listen on (0 = any free port)", "0")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .action((opts: SimulateOptions) => {
      result.code = runSimulate(opts, io, shutdownSignal);
    });
}
