import { resolve } from "node:path";
import type { Command } from "commander";
import { runCheckOrgJob } from "../../jobs/check-org.job.js";
import { runMaintainJob } from "../../jobs/maintain.job.js";
import type { CommandResult } from "../cli.js";
import { loadConfig, summarize, type LoadedConfig } from "../config/load.js";
import { registerApi } from "../http/api.js";
import { startHttpServer } from "../http/server.js";
import { createMetrics, createRegistry } from "../metrics/index.js";
import { LoginBudget } from "../monitor/budget.js";
import { Coordinator } from "../monitor/coordinator.js";
import { Monitor } from "../monitor/monitor.js";
import { systemClock } from "../platform/clock.js";
import { OrgwatchError } from "../platform/errors.js";
import { createLogger } from "../platform/logger.js";
import { InProcessScheduler } from "../scheduler/inprocess.js";
import { BatchWriter, openStore } from "../store/index.js";
import { clientFromEnv } from "./check.js";
import { reportConfig } from "./config-check.js";
import type { CommandIo } from "./io.js";

const CHECK_PREFIX = "check:";
const MAINTAIN_KEY = "maintain";
const SHUTDOWN_GRACE_MS = 10_000;

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

/** `orgwatch run`: checks every org on its interval until SIGINT/SIGTERM. */
export async function runCommand(opts: { config: string }, io: CommandIo): Promise<number> {
  const config = load(opts.config, io);
  if (!config) return 2;
  if (config.top.scheduler.kind !== "inprocess") {
    io.stderr("scheduler.kind: redis is not available yet; use kind: inprocess\n");
    return 2;
  }
  const logger = createLogger({ level: io.env.ORGWATCH_LOG_LEVEL ?? "info" });
  const clock = systemClock;
  const store = openStore(resolve(config.dir, config.top.storage.sqlite));
  const writer = new BatchWriter(store, {
    onError: (err) => logger.error({ err }, "history write failed; will retry"),
  });
  const budget = new LoginBudget({
    recordLogin: (user, at) => store.recordLogin(user, at),
    // The ledger keeps counts; treating a restart's earlier logins as "just now" can only make
    // the budget stricter, never let it overspend.
    loginsSince: (user, since) =>
      new Array<number>(store.loginsSince(user, since)).fill(clock.now()),
  });
  const registry = createRegistry();
  let view: Monitor | null = null;
  const metrics = createMetrics({
    registry,
    perOrg: config.top.metrics.perOrg,
    orgs: () => view?.metricsView() ?? [],
  });
  const coordinator = new Coordinator({ store, writer, metrics, logger });
  const monitor = new Monitor({
    targets: config.orgs,
    store,
    coordinator,
    metrics,
    client: clientFromEnv(io.env),
    clock,
    logger,
    budget,
    retention: config.top.storage.retention,
    configFile: opts.config,
  });
  view = monitor;
  const scheduler = new InProcessScheduler({
    concurrency: config.top.scheduler.concurrency,
    clock,
    run: (key, dueAt) =>
      key === MAINTAIN_KEY
        ? Promise.resolve(runMaintainJob({ at: dueAt }, monitor))
        : runCheckOrgJob({ orgId: key.slice(CHECK_PREFIX.length), scheduledAt: dueAt }, monitor),
    onLag: (ms) => metrics.observeSchedulerLag(ms / 1000),
    onError: (key, err) => {
      metrics.countCheckError();
      logger.error({ err, key }, "a scheduled run failed");
    },
  });
  let ready = false;
  const http = await startHttpServer({
    listen: config.top.server.listen,
    registry,
    ready: () => ready,
    logger,
    routes: (app) =>
      registerApi(app, {
        monitor: {
          orgState: (id) => (monitor.has(id) ? coordinator.state(id) : null),
          checkNow: (id) => scheduler.trigger(`${CHECK_PREFIX}${id}`),
        },
        apiToken: config.top.server.apiToken ?? null,
      }),
  });
  const now = clock.now();
  for (const [id, at] of monitor.initialSchedule(now))
    scheduler.schedule(`${CHECK_PREFIX}${id}`, at);
  scheduler.schedule(MAINTAIN_KEY, now + 60_000);
  scheduler.start();
  ready = true;
  io.stdout(`orgwatch running: ${summarize(config)}; metrics at ${http.url}/metrics\n`);
  logger.info({ orgs: config.orgs.length, url: http.url }, "orgwatch started");

  const signal = await (io.waitForStop ?? (() => new Promise<string>(() => {})))();
  ready = false;
  logger.info({ signal }, "shutting down");
  const stopped = await scheduler.stop(SHUTDOWN_GRACE_MS);
  monitor.close();
  writer.close();
  store.close();
  await http.close();
  logger.info(stopped, "stopped");
  return 0;
}

/** Adds `orgwatch run` to the program. */
export function registerRun(program: Command, io: CommandIo, result: CommandResult): void {
  program
    .command("run")
    .description("check every org on its interval, record history, serve /metrics, until stopped")
    .requiredOption("-c, --config <file>", "the orgwatch YAML config")
    .addHelpText(
      "after",
      "\nServes /metrics, /healthz, /readyz and /api/v1 on server.listen; stops on SIGINT/SIGTERM.\n" +
        "Environment: ORGWATCH_LOG_LEVEL (default info), ORGWATCH_RESOLVE (host pins, like curl --resolve).",
    )
    .action((opts: { config: string }) => {
      result.code = runCommand(opts, io);
    });
}
