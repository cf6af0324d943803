import { hostname } from "node:os";
import type { Command } from "commander";
import { runCheckOrgJob } from "../../jobs/check-org.job.js";
import { summarize } from "../config/load.js";
import { systemClock } from "../platform/clock.js";
import { createLogger } from "../platform/logger.js";
import { startWorkProcessor } from "../scheduler/bullmq-work.js";
import { describeRedis, redisOptions } from "../scheduler/redis.js";
import { clientFromEnv } from "./check.js";
import { CONFIG_ENV, CONFIG_HELP, configFile, type CommandIo, type CommandResult } from "./io.js";
import { load } from "./run-parts.js";

/** The --concurrency value, or null (after a one-line usage error) when it is not 1-1024. */
function concurrencyOf(raw: string | undefined, fallback: number, io: CommandIo): number | null {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= 1024) return n;
  io.stderr(`--concurrency ${raw}: must be a whole number from 1 to 1024\n`);
  return null;
}

/**
 * `orgwatch worker`: runs check jobs from the BullMQ queue with this machine's config and keys
 * (the jobs carry none), until SIGINT/SIGTERM; jobs in flight finish first.
 */
export async function workerCommand(
  opts: { config: string; concurrency?: string },
  io: CommandIo,
): Promise<number> {
  const config = load(opts.config, io);
  if (!config) return 2;
  const sched = config.top.scheduler;
  if (sched.kind !== "redis") {
    io.stderr(
      `scheduler.kind: orgwatch worker needs kind: redis with scheduler.redisUrl (the coordinator's config); ${opts.config} says ${sched.kind}\n`,
    );
    return 2;
  }
  const concurrency = concurrencyOf(opts.concurrency, sched.concurrency, io);
  if (concurrency === null) return 2;
  const logger = createLogger({ level: io.env.ORGWATCH_LOG_LEVEL ?? "info" });
  const targets = new Map(config.orgs.map((t) => [t.id, t]));
  const client = clientFromEnv(io.env);
  const where = describeRedis(sched.redisUrl);
  let lastError = "";
  const name = `orgwatch-worker-${hostname()}-${String(process.pid)}`;
  const worker = startWorkProcessor({
    connection: redisOptions(sched.redisUrl),
    prefix: sched.prefix,
    concurrency,
    name,
    stalledAfterMs: sched.stalledAfter,
    process: (name, data, signal) => {
      if (name !== "check-org") throw new Error(`unknown job kind ${name}`);
      return runCheckOrgJob(
        data,
        {
          client,
          clock: systemClock,
          target: (id) => targets.get(id),
          recheckCommand: (id) => `orgwatch check --config ${opts.config} --org ${id}`,
        },
        signal,
      );
    },
    onError: (err) => {
      const why = err instanceof Error ? err.message : String(err);
      if (why === lastError) return;
      lastError = why;
      logger.warn({ redis: where, err: why }, `Redis at ${where}: ${why}; reconnecting`);
    },
    onFailed: (jobId, err) => {
      logger.error({ job: jobId, err: err.message }, `check job ${jobId} failed`);
    },
  });
  await worker.waitUntilReady();
  io.stdout(
    `orgwatch worker ${name}: ${summarize(config)}; ${String(concurrency)} at a time from ${where} (prefix ${sched.prefix})\n`,
  );
  const signal = await (io.waitForStop ?? (() => new Promise<string>(() => {})))();
  logger.info({ signal }, "worker shutting down; jobs in flight finish first");
  await worker.close();
  return 0;
}

/** Adds `orgwatch worker` to the program. */
export function registerWorker(program: Command, io: CommandIo, result: CommandResult): void {
  program
    .command("worker")
    .description("run org checks from the Redis queue for a scale-out coordinator, until stopped")
    .option("-c, --config <file>", CONFIG_HELP)
    .option("--concurrency <n>", "checks at once (default: scheduler.concurrency)")
    .addHelpText(
      "after",
      "\nNeeds scheduler.kind: redis and the same orgs and keys as the coordinator (`orgwatch run`);\n" +
        "jobs carry no key, token or assertion. Stops on SIGINT/SIGTERM after the jobs in flight.\n" +
        `Environment: ${CONFIG_ENV}, ORGWATCH_LOG_LEVEL (default info), ORGWATCH_RESOLVE.`,
    )
    .action((opts: { config?: string; concurrency?: string }) => {
      const file = configFile(opts.config, io);
      result.code =
        file === null
          ? 2
          : workerCommand(
              {
                config: file,
                ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
              },
              io,
            );
    });
}
