import { loadConfig, summarize, type LoadedConfig } from "../config/load.js";
import { OrgwatchError } from "../platform/errors.js";
import { diagnosticsFor } from "./diagnostics.js";
import type { CommandIo } from "./io.js";

/** Prints every config problem with its YAML path; returns the problems' exit code (0 clean, 1 problems, 2 unusable). */
export function reportConfig(config: LoadedConfig, io: CommandIo): number {
  const diagnostics = diagnosticsFor(io);
  for (const p of config.problems) diagnostics.problem(p);
  if (config.problems.some((p) => p.effect === "fatal")) return 2;
  return config.problems.some((p) => p.effect !== "warning") ? 1 : 0;
}

/** `orgwatch config check`: validate a config file and say how many orgs are usable. */
export function configCheck(file: string, io: CommandIo): number {
  let config: LoadedConfig;
  try {
    config = loadConfig(file, io.env);
  } catch (err) {
    if (err instanceof OrgwatchError) {
      diagnosticsFor(io).error(err.message, err.code);
      return 2;
    }
    throw err;
  }
  const code = reportConfig(config, io);
  if (code === 2) {
    diagnosticsFor(io).error(`${file}: not usable; fix the problems above`);
    return 2;
  }
  io.stdout(`${file}: ${summarize(config)}\n`);
  return code;
}
