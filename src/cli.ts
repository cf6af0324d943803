import { Command, CommanderError } from "commander";
import { OrgwatchError } from "./platform/errors.js";
import { registerCheck } from "./commands/check.js";
import {
  badLogFormat,
  diagnosticsFor,
  LOG_FORMAT_ENV,
  logFormatOf,
} from "./commands/diagnostics.js";
import { configCheck } from "./commands/config-check.js";
import { registerHistory } from "./commands/history.js";
import {
  CONFIG_ENV,
  CONFIG_HELP,
  configFile,
  processIo,
  type CommandIo,
  type CommandResult,
} from "./commands/io.js";
import { registerRun } from "./commands/run.js";
import { registerShare } from "./commands/share.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerWorker } from "./commands/worker.js";

/** Builds the `orgwatch` command tree; each action stores its exit code in `result`. */
export function buildProgram(io: CommandIo, result: CommandResult): Command {
  const program = new Command("orgwatch")
    .description("Auth-health monitor for Salesforce JWT Bearer integrations")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const config = program.command("config").description("work with the config file");
  config
    .command("check")
    .description("validate a config file: every problem with its YAML path and fix")
    .option("-c, --config <file>", CONFIG_HELP)
    .addHelpText(
      "after",
      `\nExit codes: 0 clean, 1 some orgs skipped or with unusable keys, 2 unusable.\n` +
        `Environment: ${CONFIG_ENV} (the config when --config is not given), ${LOG_FORMAT_ENV}\n` +
        "(json or text: the problems as log lines; unset: plain path: message lines).",
    )
    .action((opts: { config?: string }) => {
      const file = configFile(opts.config, io);
      result.code = file === null ? 2 : configCheck(file, io);
    });

  registerCheck(program, io, result);
  registerRun(program, io, result);
  registerWorker(program, io, result);
  registerHistory(program, io, result);
  registerSimulate(program, io, result);
  registerShare(program, io, result);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
  if (logFormatOf(io.env) === null) {
    io.stderr(`${badLogFormat(io.env)}\n`);
    return 2;
  }
  const result: CommandResult = { code: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  try {
    return await result.code;
  } catch (err) {
    // Errors orgwatch raises itself carry a one-line message that names the field and the fix.
    if (err instanceof OrgwatchError) {
      diagnosticsFor(io).error(err.message, err.code);
      return 2;
    }
    throw err;
  }
}
