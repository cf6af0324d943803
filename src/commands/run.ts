import type { Command } from "commander";
import type { Registry } from "prom-client";
import { runCheckOrgJob } from "../../jobs/check-org.job.js";
import { runMaintainJob } from "../../jobs/maintain.job.js";
import type { AlertEngine } from "../alerting/engine.js";
import { createNotifier } from "../alerting/notifiers/index.js";
import type { Notifier } from "../alerting/types.js";
import { summarize, type LoadedConfig } from "../config/load.js";
import type { ApiMonitor } from "../http/api.js";
import { registerReload } from "../http/reload.js";
import type { HttpServer } from "../http/server.js";
import {
  createMetrics,
  createRegistry,
  createReloadMetrics,
  type OrgwatchMetrics,
} from "../metrics/index.js";
import { historyPath } from "../config/storage.js";
import { Coordinator } from "../monitor/coordinator.js";
import { Fleet } from "../monitor/fleet.js";
import { checkOrgHandler, type CheckWorker } from "../monitor/run-loop.js";
import { resumeCheckAt } from "../monitor/schedule.js";
import { metricsViewOf } from "../monitor/views.js";
import { systemClock, type Clock } from "../platform/clock.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { packageVersion } from "../platform/version.js";
import { InProcessScheduler } from "../scheduler/inprocess.js";
import type { JobHandlers, JobRef, Scheduler } from "../scheduler/types.js";
import { BatchWriter, type RecordedPass, type SqliteHistoryStore } from "../store/index.js";
import { registerSlack } from "./alerting-setup.js";
import { clientFromEnv } from "./check.js";
import { Reloader } from "./reload.js";
import { accessSettings, registerStatusPage } from "./page-wiring.js";
import { diagnosticsFor, logFormatOf } from "./diagnostics.js";
import {
  CONFIG_ENV_HELP,
  CONFIG_HELP,
  DATA_DIR_HELP,
  configFile,
  type CommandIo,
  type CommandResult,
} from "./io.js";
import { buildAlerting, listenOrExplain, load, openStoreOrExplain } from "./run-parts.js";
import { buildScaleOut, catchUp, type ScaleOut } from "./run-redis.js";
import { buildApiMonitor } from "./run-api.js";

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
  /** The lease, queue and Redis client of a scale-out coordinator; null in process. */
  scaleOut: ScaleOut | null;
  api: ApiMonitor;
  /** Where the server listens: server.listen, or --listen / ORGWATCH_LISTEN. */
  listen: string;
  ready: boolean;
  http: HttpServer | null;
  /** Hot reload: SIGHUP, POST /-/reload, config file changes. */
  reloader: Reloader;
}

/** Builds the runtime: store, fleet (with every stored state, in one query), coordinator, scheduler. */
export function buildRuntime(
  config: LoadedConfig,
  opts: { configFile: string; env: CommandIo["env"]; clock?: Clock; logger?: Logger },
): Runtime {
  const logger =
    opts.logger ??
    createLogger({
      level: opts.env.ORGWATCH_LOG_LEVEL ?? "info",
      format: logFormatOf(opts.env) ?? "json",
    });
  const clock = opts.clock ?? systemClock;
  const store = openStoreOrExplain(historyPath(config, opts.env.ORGWATCH_DATA_DIR));
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
  const local: CheckWorker = {
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
  const sched = config.top.scheduler;
  const leads = (): boolean => scaleOut?.scheduler.leader ?? true;
  const handlers = (worker: CheckWorker): JobHandlers => ({
    "check-org": checkOrgHandler({ coordinator, worker, clock, mayRecord: leads }),
    maintain: (_id, dueAt) =>
      Promise.resolve(
        runMaintainJob({ at: dueAt }, { store, retention: config.top.storage.retention }),
      ),
  });
  const hooks = {
    onLag: (ms: number) => {
      metrics.observeSchedulerLag(ms / 1000);
    },
    onError: (job: JobRef, err: unknown) => {
      metrics.countCheckError();
      logger.error({ err, job: job.name, id: job.id }, "a scheduled run failed");
    },
  };
  const scaleOut =
    sched.kind === "redis"
      ? buildScaleOut(sched, { clock, logger, registry, handlers, hooks })
      : null;
  const scheduler: Scheduler =
    scaleOut?.scheduler ??
    new InProcessScheduler({
      concurrency: sched.concurrency,
      clock,
      handlers: handlers(local),
      ...hooks,
    });
  const notifiers = config.alerting.notifiers.map((n) => createNotifier(n, { logger, clock }));
  const alerting = buildAlerting(config, {
    store,
    fleet,
    clock,
    logger,
    registry,
    mayAct: leads,
    notifiers,
  });
  fleet.onRemove((id) => {
    scheduler.unschedule({ name: "check-org", id });
    metrics.forgetOrg(id);
  });
  const api = buildApiMonitor({ fleet, store, scheduler, clock });
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
    scaleOut,
    listen: config.top.server.listen,
    ready: false,
    http: null,
    reloader,
  };
}

/**
 * Starts serving and checking: each org resumes its stored slot, or a spread one. A scale-out
 * coordinator serves at once (/readyz 503) and schedules only once it holds the lease.
 */
export async function startRuntime(rt: Runtime): Promise<void> {
  rt.http = await listenOrExplain({
    listen: rt.listen,
    registry: rt.registry,
    ready: () => rt.ready,
    logger: rt.logger,
    api: rt.api,
    access: accessSettings(rt),
    page: (app) => {
      registerStatusPage(app, rt);
      registerReload(app, () => rt.reloader.reload("http"));
      registerSlack(app, rt);
    },
  });
  rt.reloader.markStarted();
  const scaleOut = rt.scaleOut;
  if (!scaleOut) {
    await scheduleAll(rt);
    return;
  }
  scaleOut.onLost = (why) => {
    // Stop working at once, before the lease can expire for another coordinator: nothing more
    // is recorded or sent; what was recorded while leading commits now, not after the takeover.
    rt.ready = false;
    rt.coordinator.close();
    rt.passes.flush();
    void rt.alerting?.stop();
    rt.logger.error({ why }, "lost the coordinator lease; standing by to take it back");
  };
  scaleOut.onLeader = () => {
    rt.coordinator.reopen();
    return catchUp({
      store: rt.store,
      fleet: rt.fleet,
      coordinator: rt.coordinator,
      scheduler: scaleOut.scheduler,
      clock: rt.clock,
      logger: rt.logger,
      scheduleAll: () => scheduleAll(rt),
    });
  };
  rt.scheduler.start();
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

/**
 * Resolves when a scale-out coordinator took the lease but could not catch up (its history is
 * unreadable, say): it let the lease go at once, and the process exits rather than grab it again.
 */
function takeoverFailure(rt: Runtime): Promise<{ lost: string }> {
  return new Promise((resolveLoss) => {
    if (!rt.scaleOut) return;
    rt.scaleOut.onTakeoverFailed = (why) => {
      rt.ready = false;
      rt.coordinator.close();
      rt.logger.error({ why }, "could not take over as coordinator; stopping");
      resolveLoss({ lost: why });
    };
  });
}

/** `orgwatch run`: checks every org on its interval until SIGINT/SIGTERM. */
export async function runCommand(
  opts: { config: string; listen?: string },
  io: CommandIo,
): Promise<number> {
  const listen = opts.listen ?? io.env.ORGWATCH_LISTEN;
  if (listen !== undefined && !LISTEN_RE.test(listen)) {
    const from = opts.listen !== undefined ? "--listen" : "ORGWATCH_LISTEN";
    diagnosticsFor(io).error(
      `${from} ${listen}: must be host:port, e.g. 0.0.0.0:9464 (all interfaces) or 127.0.0.1:9464`,
    );
    return 2;
  }
  const config = load(opts.config, io);
  if (!config) return 2;
  const rt = buildRuntime(config, { configFile: opts.config, env: io.env });
  const lost = takeoverFailure(rt);
  if (listen !== undefined) rt.listen = listen;
  try {
    await startRuntime(rt);
  } catch (err) {
    await stopRuntime(rt, 0);
    throw err;
  }
  const url = rt.http?.url ?? "";
  const role = rt.scaleOut ? " (scale-out: standby until it holds the coordinator lease)" : "";
  io.stdout(`orgwatch running: ${summarize(config)}; metrics at ${url}/metrics${role}\n`);
  rt.logger.info({ orgs: config.orgs.length, url }, "orgwatch started");
  rt.reloader.startWatching();
  const unsubscribe = io.onReloadSignal?.(() => rt.reloader.reload("SIGHUP"));
  const stop = (io.waitForStop ?? (() => new Promise<string>(() => {})))();
  const ended = await Promise.race([stop.then((signal) => ({ signal })), lost]);
  unsubscribe?.();
  if ("lost" in ended) {
    io.stderr(
      `orgwatch: ${ended.lost}; let the coordinator lease go so another can lead. Fix what the log says and start it again.\n`,
    );
    await stopRuntime(rt, 0);
    return 1;
  }
  rt.logger.info({ signal: ended.signal }, "shutting down");
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
      "\nServes /metrics, /healthz, /readyz, /api/v1 and the status page (/) on server.listen;\n" +
        "stops on SIGINT/SIGTERM. Reloads the config on SIGHUP, POST /-/reload and a change of the\n" +
        "config or an included file. With scheduler.kind redis it is the coordinator while it holds\n" +
        "the lease in Redis, else a standby (/readyz 503); one that loses the lease stops at once\n" +
        "and stands by again. It exits 1 when it took the lease but could not read the history.\n" +
        `Environment: ${CONFIG_ENV_HELP}, ORGWATCH_LISTEN (like\n` +
        "--listen), ORGWATCH_LOG_LEVEL (default info), ORGWATCH_LOG_FORMAT (json, the default, or text;\n" +
        "config problems follow it when set), ORGWATCH_RESOLVE (host pins, like curl --resolve),\n" +
        "HTTPS_PROXY, HTTP_PROXY, NO_PROXY (egress proxies for every Salesforce call),\n" +
        `${DATA_DIR_HELP}.`,
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
