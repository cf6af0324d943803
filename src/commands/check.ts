import type { Command } from "commander";

import { historyPath } from "../config/storage.js";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { existsSync } from "node:fs";
import { checkIdFor } from "../domain/job.js";
import type { CheckResult } from "../domain/result.js";
import { historyOf } from "../domain/state.js";
import { systemClock } from "../platform/clock.js";
import { OrgwatchError } from "../platform/errors.js";
import { pinnedLookup } from "../platform/http.js";
import { createSender, type ProxySettings } from "../platform/http-proxy.js";
import { mapPool } from "../platform/pool.js";
import { checkOrg } from "../monitor/check-org.js";
import { SalesforceClient } from "../salesforce/client.js";
import { openStore, type SqliteHistoryStore } from "../store/index.js";
import { reportConfig } from "./config-check.js";
import { humanReport, jsonOrg } from "./check-output.js";
import {
  CONFIG_ENV_HELP,
  CONFIG_HELP,
  DATA_DIR_HELP,
  configFile,
  type CommandIo,
  type CommandResult,
} from "./io.js";

/** Options of `orgwatch check`. */
export interface CheckOptions {
  config: string;
  org?: string[];
  json?: boolean;
  /** Check even when the user's login budget is spent (the login is still recorded). */
  force?: boolean;
}

/** The egress proxies the environment names; lowercase wins, as curl and undici read them. */
export function proxyFromEnv(env: CommandIo["env"]): ProxySettings {
  return {
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? "",
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? "",
    noProxy: env.no_proxy ?? env.NO_PROXY ?? "",
  };
}

/**
 * Builds the Salesforce wire client from the environment: ORGWATCH_RESOLVE pins DNS names,
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY route every Salesforce call.
 */
export function clientFromEnv(env: CommandIo["env"]): SalesforceClient {
  const lookup = pinnedLookup(env.ORGWATCH_RESOLVE ?? "");
  return new SalesforceClient(
    createSender({ ...(lookup ? { lookup } : {}), proxy: proxyFromEnv(env) }),
  );
}

/** `orgwatch check`: one pass over the orgs, concurrently; 0 all healthy, 1 any not, 2 config/usage. */
export async function checkCommand(opts: CheckOptions, io: CommandIo): Promise<number> {
  let config: LoadedConfig;
  try {
    config = loadConfig(opts.config, io.env);
  } catch (err) {
    if (err instanceof OrgwatchError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const configCode = reportConfig(config, io);
  if (configCode === 2) return 2;
  const wanted = opts.org ?? [];
  const unknown = wanted.filter((id) => !config.orgs.some((o) => o.id === id));
  if (unknown.length > 0) {
    io.stderr(
      `--org ${unknown.join(", ")}: no such org in ${opts.config}; known: ${config.orgs.map((o) => o.id).join(", ") || "none"}\n`,
    );
    return 2;
  }
  const targets =
    wanted.length > 0 ? config.orgs.filter((o) => wanted.includes(o.id)) : config.orgs;
  const client = clientFromEnv(io.env);
  // When the monitor's history exists, use it to tell look-alikes apart, and take logins from
  // its ledger, so this check and a running monitor share each user's budget.
  const dbPath = historyPath(config, io.env.ORGWATCH_DATA_DIR);
  const store: SqliteHistoryStore | null = existsSync(dbPath) ? openStore(dbPath) : null;
  const postponed: { id: string; nextLoginAt: string }[] = [];
  let results: CheckResult[];
  try {
    const admitted = targets.filter((target) => {
      if (!store || !target.key.ok || !target.checks.includes("token")) return true;
      const now = systemClock.now();
      if (opts.force) {
        store.recordLogin(target.username, now);
        return true;
      }
      const take = store.takeLogin(target.username, target.loginBudgetPerHour, now);
      if (take.ok) return true;
      const at = new Date(take.nextFreeAt).toISOString();
      postponed.push({ id: target.id, nextLoginAt: at });
      io.stderr(
        `${target.id}: the login budget of ${target.username} is spent ` +
          `(${String(take.times.length)} token requests in the last hour, budget ` +
          `${String(target.loginBudgetPerHour)}); the next login is free at ${at}. ` +
          "Not checked; add --force to check anyway.\n",
      );
      return false;
    });
    results = await mapPool(admitted, config.top.scheduler.concurrency, (target) => {
      const now = systemClock.now();
      const state = store?.getOrgState(target.id) ?? null;
      return checkOrg(
        target,
        {
          checkId: checkIdFor(target.id, now),
          orgId: target.id,
          dueAt: now,
          history: historyOf(state),
          apiUsage: null,
        },
        {
          client,
          clock: systemClock,
          recheckCommand: (id) => `orgwatch check --config ${opts.config} --org ${id}`,
        },
      );
    });
  } finally {
    store?.close();
  }
  if (opts.json) {
    io.stdout(`${JSON.stringify({ orgs: results.map(jsonOrg), postponed })}\n`);
  } else {
    io.stdout(humanReport(results));
  }
  const skippedEntries = config.problems.some((p) => p.effect === "skipped");
  if (skippedEntries) return 2;
  return postponed.length === 0 && results.every((r) => r.healthy) ? 0 : 1;
}

/** Adds `orgwatch check` to the program. */
export function registerCheck(program: Command, io: CommandIo, result: CommandResult): void {
  program
    .command("check")
    .description("check every org (or the --org ones) once and print the classified result")
    .option("-c, --config <file>", CONFIG_HELP)
    .option("--org <id...>", "only these org ids (repeatable)")
    .option("--json", "print JSON instead of a table")
    .option("--force", "check even when the user's login budget is spent")
    .addHelpText(
      "after",
      "\nExit codes: 0 every org healthy, 1 any org not (or not checked: its user's login budget\n" +
        "is spent, shared with a running monitor through storage.sqlite), 2 config or usage error.\n" +
        `Environment: ${CONFIG_ENV_HELP},\n` +
        "ORGWATCH_RESOLVE='*.salesforce.com=127.0.0.1' pins host names (like curl --resolve),\n" +
        "HTTPS_PROXY, HTTP_PROXY, NO_PROXY (egress proxies for every Salesforce call),\n" +
        `${DATA_DIR_HELP}.`,
    )
    .action((opts: Omit<CheckOptions, "config"> & { config?: string }) => {
      const file = configFile(opts.config, io);
      result.code = file === null ? 2 : checkCommand({ ...opts, config: file }, io);
    });
}
