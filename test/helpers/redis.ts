import { spawn, type ChildProcess } from "node:child_process";
import { createConnection, createServer } from "node:net";
import { ensureBinaries } from "./system.js";

/** A redis-server child on a private loopback port, without persistence. */
export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGKILL when `hard`: a crash, no shutdown work). */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted), after `downMs` down. */
  restart(downMs?: number): Promise<void>;
}

/** A free loopback port (bind port 0 and read it back). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = createConnection({ host: "127.0.0.1", port });
    sock.once("connect", () => {
      sock.write("PING\r\n");
    });
    sock.once("data", (d) => {
      sock.destroy();
      res(d.toString().startsWith("+PONG"));
    });
    sock.once("error", () => res(false));
  });
}

const REDIS_SERVER = "/usr/bin/redis-server";

function launch(port: number): ChildProcess {
  const child = spawn(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  child.on("error", () => undefined);
  return child;
}

async function waitUp(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (child.exitCode !== null || child.pid === undefined) {
      throw new Error(
        `${REDIS_SERVER} did not run on port ${String(port)}; install it (apt-get install redis-server)`,
      );
    }
    if (Date.now() > deadline) throw new Error(`redis-server on ${String(port)} did not answer`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts redis-server on a free loopback port; `stop()` it after the tests. */
export async function startRedis(): Promise<RedisServer> {
  ensureBinaries(["redis-server"]);
  const port = await freeLoopbackPort();
  let child = launch(port);
  await waitUp(port, child);
  const stop = async (hard = false): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill(hard ? "SIGKILL" : "SIGTERM");
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${String(port)}`,
    stop,
    restart: async (downMs = 0) => {
      await stop(true);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      child = launch(port);
      await waitUp(port, child);
    },
  };
}

/**
 * The Redis that `.ci/run` started (ORGWATCH_TEST_REDIS_URL, a private loopback port) when there
 * is one, else a private one of this file's own. For suites that only need a server and keep to
 * their own prefixes: stopping it is left to whoever started it, and it cannot be restarted.
 */
export async function testRedis(): Promise<RedisServer> {
  const shared = process.env["ORGWATCH_TEST_REDIS_URL"];
  if (shared === undefined || shared === "") return startRedis();
  const port = Number(new URL(shared).port);
  if (!(await answers(port))) throw new Error(`ORGWATCH_TEST_REDIS_URL ${shared} does not answer`);
  return {
    port,
    url: shared,
    stop: () => Promise.resolve(),
    restart: () => Promise.reject(new Error("the shared test Redis is not restarted by tests")),
  };
}

/** A queue prefix no other test shares. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
