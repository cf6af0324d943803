import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** A running `orgwatch run` child process. */
export interface OrgwatchProcess {
  child: ChildProcess;
  /** The /metrics base URL it printed. */
  url: string;
  output: () => string;
  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

const BIN = resolve("bin/orgwatch.js");

/** A started orgwatch child process and what its start line said. */
export interface StartedChild<T> {
  child: ChildProcess;
  /** What `ready` found in the output. */
  ready: T;
  output: () => string;
  /** Sends a signal (unless it already exited) and resolves with the exit code or signal name. */
  stop: (signal?: NodeJS.Signals) => Promise<number | string>;
}

/**
 * Spawns `orgwatch ARGS` from dist/ and waits (20 s at most) until `ready` finds its start line
 * in the output; `what` names it in the errors.
 */
export async function spawnOrgwatch<T>(
  args: string[],
  env: Record<string, string>,
  what: string,
  ready: (output: string) => T | undefined,
): Promise<StartedChild<T>> {
  if (!existsSync("dist/src/cli.js"))
    throw new Error("dist/ is missing: run `npm run build` first");
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ORGWATCH_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((res) =>
    child.once("exit", (code, signal) => res(code ?? signal ?? -1)),
  );
  const found = await new Promise<T>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${what} did not start:\n${out}`)), 20_000);
    child.stdout.on("data", () => {
      const value = ready(out);
      if (value !== undefined) {
        clearTimeout(timer);
        res(value);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      rej(new Error(`${what} exited early:\n${out}`));
    });
  });
  return {
    child,
    ready: found,
    output: () => out,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      return exited;
    },
  };
}

/** Starts `orgwatch run --config FILE` from dist/ and waits until it says where /metrics is. */
export async function startOrgwatch(
  configFile: string,
  env: Record<string, string>,
): Promise<OrgwatchProcess> {
  const started = await spawnOrgwatch(
    ["run", "--config", configFile],
    env,
    "orgwatch",
    (out) => /metrics at (http:\/\/[^\s]+)\/metrics/.exec(out)?.[1] || undefined,
  );
  return { child: started.child, url: started.ready, output: started.output, stop: started.stop };
}

/** Polls `probe` every 100 ms until it returns a truthy value or `timeoutMs` passes. */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
