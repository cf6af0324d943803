import { resolve } from "node:path";
import type { Command } from "commander";
import type { Registry } from "prom-client";
import { runCheckOrgJob } from "../../jobs/check-org.job.js";
import { runMaintainJob } from "../../jobs/maintain.job.js";

import { loadConfig, summarize, type LoadedConfig } from "../config/load.js";
import { registerApi, type ApiMonitor } from "../http/api.js";
import { registerReload } from "../http/reload.js";
import { startHttpServer, type HttpServer } from "../http/server.js";
import type { AlertEngine } from "../alerting/engine.js";
import type { Notifier } from "../alerting/types.js";
import { createNotifier } from "../alerting/notifiers/index.js";
import {
  createMetrics,
  createRegistry,
  createReloadMetrics,
  type OrgwatchMetrics,
} from "../metrics/index.js";
import { Coordinator } from "../monitor/coordinator.js";
import { Fleet } from "../monitor/fleet.js";
import { checkOrgHandler, type CheckWorker } from "../monitor/run-loop.js";
import { resumeCheckAt } from "../monitor/schedule.js";
import { loginFreeAt, metricsViewOf, orgStatusOf } from "../monitor/views.js";
import { systemClock, type Clock } from "../platform/clock.js";
import { OrgwatchError } from "../platform/errors.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { packageVersion } from "../platform/version.js";
import { InProcessScheduler } from "../scheduler/inprocess.js";
import type { Scheduler } from "../scheduler/types.js";
import {
  BatchWriter,
  openStore,
  type RecordedPass,
  type SqliteHistoryStore,
} from "../store/index.js";
import { clientFromEnv } from "./check.js";
import { buildAlerting, registerSlack } from "./alerting-setup.js";
import { reportConfig } from "./config-check.js";
import { Reloader } from "./reload.js";
import { CONFIG_ENV, CONFIG_HELP, configFile, type CommandIo, type CommandResult } from "./io.js";

const SHUTDOWN_GRACE_MS = 10_000;
const LISTEN_RE = /^(\[[0-9a-fA-F:]+\]|[^\s:]*):\d{1,5}$/;
const FLEET_JOB = "fleet";

/** Everything `orgwatch run` runs with, built once by `buildRuntime`. */
export interface Runtime {
  config: LoadedConfig;
  logger: Logger;
  clock: Clock;
  store: SqliteHistoryStore;
  passes: BatchWriter<RecordedPass>;
  fleet: Fleet;
  coordinator: Coordinator;
  metrics: OrgwatchMetrics;
  registry: Registry;
  scheduler: Scheduler;
  /** Null when no notifier is configured. */
  alerting: AlertEngine | null;
  /** The notifiers the engine sends through (Slack buttons reply through them too). */
  notifiers: Notifier[];
  api: ApiMonitor;
  /** Where the server listens: server.listen, or --listen / ORGWATCH_LISTEN. */
  listen: string;
  ready: boolean;
  http: HttpServer | null;
  /** Hot reload: SIGHUP, POST /-/reload, config file changes. */
  reloader: Reloader;
}

function load(file: string, io: CommandIo): LoadedConfig | null {
  try {
    const config = loadConfig(file, io.env);
    return reportConfig(config, io) === 2 ? null : config;
  } catch (err) {
    if (err instanceof OrgwatchError) {
      io.stderr(`${err.message}\n`);
      return null;
    }
    throw err;
  }
}

/** Opens the history, or says in one line which path failed and what to do. */
function openStoreOrExplain(path: string): SqliteHistoryStore {
  try {
    return openStore(path);
  } catch (err) {
    if (err instanceof OrgwatchError) throw err;
    const code = (err as { code?: unknown }).code;
    const why = typeof code === "string" ? code : err instanceof Error ? err.message : "error";
    throw new OrgwatchError(
      "STORAGE_UNUSABLE",
      `storage.sqlite ${path}: cannot open the history (${why}); make its folder writable for this user, stop the other process holding it, or set storage.sqlite to another path`,
      { cause: err },
    );
  }
}

/** Builds the runtime: store, fleet (with every stored state, in one query), coordinator, scheduler. */
export function buildRuntime(
  config: LoadedConfig,
  opts: { configFile: string; env: CommandIo["env"]; clock?: Clock; logger?: Logger },
): Runtime {
  const logger = opts.logger ?? createLogger({ level: opts.env.ORGWATCH_LOG_LEVEL ?? "info" });
  const clock = opts.clock ?? systemClock;
  const store = openStoreOrExplain(resolve(config.dir, config.top.storage.sqlite));
  const passes = new BatchWriter<RecordedPass>((batch) => store.commitPasses(batch), {
    onError: (err) => {
      logger.error({ err }, "history write failed; will retry");
    },
  });
  const fleet = new Fleet();
  const stored = new Map(store.listOrgStates().map((s) => [s.orgId, s]));
  for (const target of config.orgs) fleet.add(target, stored.get(target.id) ?? null);

  const registry = createRegistry();
  const metrics = createMetrics({
    registry,
    perOrg: config.top.metrics.perOrg,
    orgs: () => metricsViewOf(fleet, clock.now()),
    build: { version: packageVersion() },
  });
  const coordinator = new Coordinator({ fleet, ledger: store, passes, metrics, logger });
  const client = clientFromEnv(opts.env);
  const worker: CheckWorker = {
    run: (job, signal) =>
      runCheckOrgJob(
        job,
        {
          client,
          clock,
          target: (id) => fleet.get(id)?.target,
          recheckCommand: (id) => `orgwatch check --config ${opts.configFile} --org ${id}`,
        },
        signal,
      ),
  };
  const scheduler = new InProcessScheduler({
    concurrency: config.top.scheduler.concurrency,
    clock,
    handlers: {
      "check-org": checkOrgHandler({ coordinator, worker, clock }),
      maintain: (_id, dueAt) =>
        Promise.resolve(
          runMaintainJob({ at: dueAt }, { store, retention: config.top.storage.retention }),
        ),
    },
    onLag: (ms) => {
      metrics.observeSchedulerLag(ms / 1000);
    },
    onError: (job, err) => {
      metrics.countCheckError();
      logger.error({ err, job: job.name, id: job.id }, "a scheduled run failed");
    },
  });
  const notifiers = config.alerting.notifiers.map((n) => createNotifier(n, { logger, clock }));
  const alerting = buildAlerting(config, notifiers, { store, fleet, clock, logger, registry });
  fleet.onRemove((id) => {
    scheduler.unschedule({ name: "check-org", id });
    metrics.forgetOrg(id);
  });
  const api: ApiMonitor = {
    org: (id) => {
      const entry = fleet.get(id);
      if (!entry) return null;
      const incidentId = entry.state.incidentId;
      return orgStatusOf(entry, incidentId ? store.incident(incidentId) : null);
    },
    checkNow: (id) => {
      const entry = fleet.get(id);
      if (!entry) return { kind: "unknown" };
      const now = clock.now();
      const { username, loginBudgetPerHour } = entry.target;
      const freeAt = loginFreeAt(fleet.loginTimes(username), loginBudgetPerHour, now);
      if (freeAt !== null) {
        return {
          kind: "budget",
          retryAt: new Date(freeAt).toISOString(),
          retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)),
        };
      }
      const outcome = scheduler.trigger({ name: "check-org", id });
      return { kind: outcome };
    },
  };
  const reloader = new Reloader({
    configFile: opts.configFile,
    env: opts.env,
    started: config,
    fleet,
    scheduler,
    store,
    flushPasses: () => passes.flush(),
    alerting,
    metrics: createReloadMetrics(registry),
    clock,
    logger,
  });
  return {
    config,
    logger,
    clock,
    store,
    passes,
    fleet,
    coordinator,
    metrics,
    registry,
    scheduler,
    alerting,
    notifiers,
    api,
    listen: config.top.server.listen,
    ready: false,
    http: null,
    reloader,
  };
}

/** Starts serving and checking: each org resumes its stored slot, or a spread one. */
export async function startRuntime(rt: Runtime): Promise<void> {
  rt.http = await listenOrExplain(rt);
  await scheduleAll(rt);
  rt.reloader.markStarted();
}

async function listenOrExplain(rt: Runtime): Promise<HttpServer> {
  try {
    return await startHttpServer({
      listen: rt.listen,
      registry: rt.registry,
      ready: () => rt.ready,
      logger: rt.logger,
      routes: (app) => {
        registerApi(app, { monitor: rt.api, apiToken: rt.config.top.server.apiToken ?? null });
        registerReload(app, () => rt.reloader.reload("http"));
        registerSlack(app, rt);
      },
    });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why =
      code === "EADDRINUSE"
        ? "the address is in use; stop the other process or choose another port"
        : code === "EACCES"
          ? "not allowed to listen there; use a port above 1023 or another address"
          : `cannot listen (${typeof code === "string" ? code : "error"})`;
    throw new OrgwatchError("LISTEN_FAILED", `server.listen ${rt.listen}: ${why}`, { cause: err });
  }
}

async function scheduleAll(rt: Runtime): Promise<void> {
  const now = rt.clock.now();
  for (const { target, state } of rt.fleet.values()) {
    const stored = state.nextCheckAt ? Date.parse(state.nextCheckAt) : null;
    const at = resumeCheckAt(target.id, target.interval, stored, now);
    rt.scheduler.schedule({ name: "check-org", id: target.id }, at);
    // The exported due time must be the slot really scheduled: a stale stored one would look
    // overdue (OrgwatchNotChecking) until the org's first pass after the restart.
    if (at !== stored) {
      rt.fleet.setState(target.id, { ...state, nextCheckAt: new Date(at).toISOString() });
    }
  }
  rt.scheduler.schedule({ name: "maintain", id: FLEET_JOB }, now + 60_000);
  rt.scheduler.start();
  if (rt.alerting) {
    await rt.alerting.recover();
    rt.alerting.start();
  }
  rt.ready = true;
}

/**
 * Stops in order: not ready, no new work, runs in flight get the grace period (then their
 * signals abort and their passes are dropped), the coordinator stops recording, the last batch
 * commits, the store and the server close.
 */
export async function stopRuntime(
  rt: Runtime,
  graceMs = SHUTDOWN_GRACE_MS,
): Promise<{ finished: number; abandoned: number }> {
  rt.ready = false;
  rt.reloader.close();
  const stopped = await rt.scheduler.stop(graceMs);
  rt.coordinator.close();
  rt.passes.close();
  await rt.alerting?.stop();
  rt.store.close();
  await rt.http?.close();
  return stopped;
}

/** `orgwatch run`: checks every org on its interval until SIGINT/SIGTERM. */
export async function runCommand(
  opts: { config: string; listen?: string },
  io: CommandIo,
): Promise<number> {
  const listen = opts.listen ?? io.env.ORGWATCH_LISTEN;
  if (listen !== undefined && !LISTEN_RE.test(listen)) {
    const from = opts.listen !== undefined ? "--listen" : "ORGWATCH_LISTEN";
    io.stderr(
      `${from} ${listen}: must be host:port, e.g. 0.0.0.0:9464 (all interfaces) or 127.0.0.1:9464\n`,
    );
    return 2;
  }
  const config = load(opts.config, io);
  if (!config) return 2;
  if (config.top.scheduler.kind !== "inprocess") {
    io.stderr("scheduler.kind: redis is not available yet; use kind: inprocess\n");
    return 2;
  }
  const rt = buildRuntime(config, { configFile: opts.config, env: io.env });
  if (listen !== undefined) rt.listen = listen;
  try {
    await startRuntime(rt);
  } catch (err) {
    await stopRuntime(rt, 0);
    throw err;
  }
  const url = rt.http?.url ?? "";
  io.stdout(`orgwatch running: ${summarize(config)}; metrics at ${url}/metrics\n`);
  rt.logger.info({ orgs: config.orgs.length, url }, "orgwatch started");
  rt.reloader.startWatching();
  const unsubscribe = io.onReloadSignal?.(() => rt.reloader.reload("SIGHUP"));
  const signal = await (io.waitForStop ?? (() => new Promise<string>(() => {})))();
  unsubscribe?.();
  rt.logger.info({ signal }, "shutting down");
  const stopped = await stopRuntime(rt);
  rt.logger.info(stopped, "stopped");
  return 0;
}

/** Adds `orgwatch run` to the program. */
export function registerRun(program: Command, io: CommandIo, result: CommandResult): void {
  program
    .command("run")
    .description("check every org on its interval, record history, serve /metrics, until stopped")
    .option("-c, --config <file>", CONFIG_HELP)
    .option(
      "--listen <host:port>",
      "serve on this address instead of server.listen (0.0.0.0:9464 in a container)",
    )
    .addHelpText(
      "after",
      "\nServes /metrics, /healthz, /readyz and /api/v1 on server.listen; stops on SIGINT/SIGTERM.\n" +
        "Reloads the config on SIGHUP, POST /-/reload and a change of the config or an included file.\n" +
        `Environment: ${CONFIG_ENV} (the config when --config is not given), ORGWATCH_LISTEN (like\n` +
        "--listen), ORGWATCH_LOG_LEVEL (default info), ORGWATCH_RESOLVE (host pins, like curl --resolve).",
    )
    .action((opts: { config?: string; listen?: string }) => {
      const file = configFile(opts.config, io);
      result.code =
        file === null
          ? 2
          : runCommand(
              { config: file, ...(opts.listen === undefined ? {} : { listen: opts.listen }) },
              io,
            );
    });
}
