/**
 * Bench helpers: N simulated orgs sharing one generated key, the files that describe them (a
 * SIMFILE and an orgwatch config), and the child processes that serve and monitor them. Every
 * child is killed on stop, on error and when this process exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { generateIdentity } from "../src/platform/keygen.js";
import { httpGet } from "./bench-prom.js";
import { benchOrg, CLIENT_ID } from "./bench-sim.js";

const BIN = resolve("bin/orgwatch.js");
const SIM = resolve("dist/scripts/bench-sim.js");
const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
}

/** Interrupted while children run: kill them, then exit as the signal would have. */
function onSignal(signal: NodeJS.Signals): void {
  killAll();
  process.exit(signal === "SIGINT" ? 130 : 143);
}

function track(child: ChildProcess): void {
  if (live.size === 0) {
    process.on("exit", killAll);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  live.add(child);
  child.once("exit", () => {
    live.delete(child);
    if (live.size > 0) return;
    process.off("exit", killAll);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  });
}

/** A temp folder holding the shared key and its certificate. */
export interface BenchFiles {
  dir: string;
  keyFile: string;
  certFile: string;
  privateKeyPem: string;
  remove(): void;
}

/** Generates the one RSA key every org shares (the simulator gets only its certificate). */
export function writeBenchFiles(): BenchFiles {
  const dir = mkdtempSync(join(tmpdir(), "orgwatch-bench-"));
  const identity = generateIdentity();
  const keyFile = join(dir, "bench.key");
  const certFile = join(dir, "bench.crt");
  writeFileSync(keyFile, identity.privateKeyPem, { mode: 0o600 });
  writeFileSync(certFile, identity.certificatePem);
  return {
    dir,
    keyFile,
    certFile,
    privateKeyPem: identity.privateKeyPem,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The monitor settings a bench run varies. */
export interface MonitorSettings {
  orgs: number;
  /** How many orgs the simulator serves; monitored org i logs in to simulated org i mod simOrgs. */
  simOrgs: number;
  intervalSeconds: number;
  simPort: number;
  listenPort: number;
  /** File name of the SQLite history, inside the bench folder (fresh per run). */
  sqlite: string;
  /** The scheduler block; default in process, 32 at a time. */
  scheduler?: Record<string, unknown>;
}

/**
 * Writes an orgwatch config for `orgs` monitored orgs and returns its path. JSON, the form a
 * generator would write (YAML of the same fleet starts a few seconds slower).
 */
export function writeMonitorConfig(files: BenchFiles, s: MonitorSettings): string {
  const orgs = Array.from({ length: s.orgs }, (_, i) => {
    const { id, username } = benchOrg(i % s.simOrgs);
    return {
      id: `org-${String(i)}`,
      loginUrl: `http://${id}.my.salesforce.com:${String(s.simPort)}`,
      clientId: CLIENT_ID,
      username,
      privateKeyFile: "./bench.key",
    };
  });
  const config = {
    server: { listen: `127.0.0.1:${String(s.listenPort)}` },
    storage: { sqlite: `./${s.sqlite}` },
    scheduler: s.scheduler ?? { kind: "inprocess", concurrency: 32 },
    metrics: { perOrg: true },
    defaults: {
      interval: `${String(s.intervalSeconds)}s`,
      checks: ["token", "rest", "limits"],
      loginBudgetPerHour: 3600,
    },
    orgs,
  };
  const file = join(files.dir, `${s.sqlite}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** A free loopback port (closed again before it is handed out). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once("error", rej);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

/** A child started by the bench. */
export interface Child {
  pid: number;
  /** performance.now() when it was spawned. */
  spawnedAt: number;
  /** stderr and the start of stdout, for error messages (never keys: the children log none). */
  output(): string;
  /** Whether it has exited. */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after graceMs; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

function startChild(
  args: string[],
  env: Record<string, string>,
  command: string = process.execPath,
): Child {
  const child = spawn(command, args, {
    env: { ...process.env, ORGWATCH_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const spawnedAt = performance.now();
  track(child);
  let out = "";
  const keep = (d: Buffer): void => {
    if (out.length < 20_000) out += d.toString();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let gone = false;
  const exit = new Promise<void>((res) => {
    child.once("exit", () => {
      gone = true;
      res();
    });
    // A command that cannot start (not installed) is a child that exited at once.
    child.once("error", (err) => {
      out += `${command}: ${err.message}`;
      gone = true;
      res();
    });
  });
  return {
    pid: child.pid ?? 0,
    spawnedAt,
    output: () => out,
    exited: () => gone,
    stop: async (graceMs = 15_000) => {
      if (gone) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Polls `probe` every `everyMs` until it answers non-null, the child dies, or timeoutMs passes. */
export async function waitFor<T>(
  child: Child,
  timeoutMs: number,
  probe: () => Promise<T | null>,
  everyMs = 50,
): Promise<T | null> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !child.exited()) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return null;
}

/** The simulator for `orgs` orgs in its own process (dist/scripts/bench-sim.js), once it listens. */
export async function startSimulatorProcess(
  files: BenchFiles,
  orgs: number,
  timeoutMs: number,
): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = startChild([SIM, String(orgs), files.certFile, String(port)], {});
  const up = await waitFor(child, timeoutMs, async () => {
    const res = await httpGet(port, "/services/data", 1000);
    return res.status > 0 ? true : null;
  });
  if (up === null) {
    await child.stop(1000);
    throw new Error(
      `the simulator did not start within ${String(timeoutMs)} ms\n${child.output()}`,
    );
  }
  return { child, port };
}

/** `orgwatch run --config FILE` with the simulator's hosts pinned to loopback. */
export function startMonitorProcess(configFile: string): Child {
  return startChild([BIN, "run", "--config", configFile], {
    ORGWATCH_RESOLVE: "*.salesforce.com=127.0.0.1",
  });
}

/** `orgwatch worker --config FILE --concurrency N`, the simulator's hosts pinned to loopback. */
export function startWorkerProcess(configFile: string, concurrency: number): Child {
  return startChild([BIN, "worker", "--config", configFile, "--concurrency", String(concurrency)], {
    ORGWATCH_RESOLVE: "*.salesforce.com=127.0.0.1",
  });
}

/** redis-server on a free loopback port, without persistence, once it answers. */
export async function startRedisProcess(
  timeoutMs: number,
): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = startChild(
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {},
    "/usr/bin/redis-server",
  );
  const up = await waitFor(child, timeoutMs, async () => {
    const res = await pingRedis(port);
    return res ? true : null;
  });
  if (up === null) {
    await child.stop(1000);
    throw new Error(`redis-server did not start on ${String(port)}\n${child.output()}`);
  }
  return { child, port };
}

function pingRedis(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = createConnection({ host: "127.0.0.1", port });
    sock.once("connect", () => sock.write("PING\r\n"));
    sock.once("data", (d) => {
      sock.destroy();
      res(d.toString().startsWith("+PONG"));
    });
    sock.once("error", () => res(false));
  });
}
