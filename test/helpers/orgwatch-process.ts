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

/** Starts `orgwatch run --config FILE` from dist/ and waits until it says where /metrics is. */
export async function startOrgwatch(
  configFile: string,
  env: Record<string, string>,
): Promise<OrgwatchProcess> {
  if (!existsSync("dist/src/cli.js"))
    throw new Error("dist/ is missing: run `npm run build` first");
  const child = spawn(process.execPath, [BIN, "run", "--config", configFile], {
    env: { ...process.env, ORGWATCH_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((res) =>
    child.once("exit", (code, signal) => res(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`orgwatch did not start:\n${out}`)), 20_000);
    const look = (): void => {
      const match = /metrics at (http:\/\/[^\s]+)\/metrics/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        res(match[1]);
      }
    };
    child.stdout.on("data", look);
    void exited.then(() => {
      clearTimeout(timer);
      rej(new Error(`orgwatch exited early:\n${out}`));
    });
  });
  return {
    child,
    url,
    output: () => out,
    stop: (signal = "SIGTERM") => {
      child.kill(signal);
      return exited;
    },
  };
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
