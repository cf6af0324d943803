import { Command, CommanderError } from "commander";
import { OrgwatchError } from "./platform/errors.js";
import { registerCheck } from "./commands/check.js";
import { configCheck } from "./commands/config-check.js";
import { registerHistory } from "./commands/history.js";
import { registerOnboard } from "./commands/onboard.js";
import {
  CONFIG_HELP,
  configFile,
  processIo,
  type CommandIo,
  type CommandResult,
} from "./commands/io.js";
import { registerRun } from "./commands/run.js";
import { registerSimulate } from "./commands/simulate.js";

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
    .action((opts: { config?: string }) => {
      const file = configFile(opts.config, io);
      result.code = file === null ? 2 : configCheck(file, io);
    });

  registerCheck(program, io, result);
  registerRun(program, io, result);
  registerHistory(program, io, result);
  registerSimulate(program, io, result);
  registerOnboard(program, io, result);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
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
      io.stderr(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
