import { existsSync } from "node:fs";
import type { Command } from "commander";

import { historyPath } from "../config/storage.js";
import { loadConfig } from "../config/load.js";
import { OrgwatchError } from "../platform/errors.js";
import { openStore, type StoredCheck } from "../store/index.js";
import {
  CONFIG_ENV_HELP,
  CONFIG_HELP,
  DATA_DIR_HELP,
  configFile,
  type CommandIo,
  type CommandResult,
} from "./io.js";

/** Options of `orgwatch history`. */
export interface HistoryOptions {
  config: string;
  org: string;
  limit: string;
  json?: boolean;
}

function line(check: StoredCheck): string {
  const state = check.healthy ? "healthy" : `${check.cause ?? "unknown"} at ${check.stage ?? "?"}`;
  const stages = check.stages
    .filter((s) => s.stage !== "local")
    .map((s) => `${s.stage}:${s.skipped ? "skip" : s.ok ? "ok" : (s.httpStatus ?? "err")}`)
    .join(" ");
  return `${check.startedAt}  ${state.padEnd(40)}  ${stages}`;
}

/** `orgwatch history`: an org's recent passes and its state changes, from SQLite. */
export function historyCommand(opts: HistoryOptions, io: CommandIo): number {
  let dbPath: string;
  try {
    const config = loadConfig(opts.config, io.env);
    dbPath = historyPath(config, io.env.ORGWATCH_DATA_DIR);
    if (!config.orgs.some((o) => o.id === opts.org)) {
      const known = config.orgs.map((o) => o.id);
      io.stderr(
        `--org ${opts.org}: no such org in ${opts.config}; known: ${known.slice(0, 20).join(", ") || "none"}${known.length > 20 ? ", ..." : ""}\n`,
      );
      return 2;
    }
  } catch (err) {
    if (err instanceof OrgwatchError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (!existsSync(dbPath)) {
    io.stderr(`no history yet at ${dbPath}; start \`orgwatch run --config ${opts.config}\`\n`);
    return 1;
  }
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    io.stderr(`--limit ${opts.limit}: give a whole number of passes, e.g. --limit 20\n`);
    return 2;
  }
  const store = openStore(dbPath);
  try {
    const recent = store.recentChecks(opts.org, limit);
    const transitions = store.transitions(opts.org, limit);
    if (opts.json) {
      io.stdout(`${JSON.stringify({ org: opts.org, recent, transitions })}\n`);
      return 0;
    }
    if (recent.length === 0) {
      io.stdout(`${opts.org}: no checks recorded\n`);
      return 0;
    }
    io.stdout(`${opts.org}: state changes (newest first)\n`);
    for (const t of transitions) io.stdout(`  ${line(t)}\n`);
    io.stdout(`\n${opts.org}: last ${recent.length} checks (newest first)\n`);
    for (const c of recent) io.stdout(`  ${line(c)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** Adds `orgwatch history` to the program. */
export function registerHistory(program: Command, io: CommandIo, result: CommandResult): void {
  program
    .command("history")
    .description("print an org's recent checks and state changes from the SQLite history")
    .option("-c, --config <file>", CONFIG_HELP)
    .requiredOption("--org <id>", "the org id")
    .option("--limit <n>", "how many passes to show", "20")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `\nExit codes: 0 shown, 1 no history yet, 2 usage.\nEnvironment: ${CONFIG_ENV_HELP},\n${DATA_DIR_HELP}.`,
    )
    .action((opts: Omit<HistoryOptions, "config"> & { config?: string }) => {
      const file = configFile(opts.config, io);
      result.code = file === null ? 2 : historyCommand({ ...opts, config: file }, io);
    });
}
