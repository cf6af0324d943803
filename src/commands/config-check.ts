import { loadConfig, problemLine, summarize, type LoadedConfig } from "../config/load.js";
import { OrgwatchError } from "../platform/errors.js";
import type { CommandIo } from "./io.js";

/** Prints every config problem with its YAML path; returns the problems' exit code (0 clean, 1 problems, 2 unusable). */
export function reportConfig(config: LoadedConfig, io: CommandIo): number {
  for (const p of config.problems) {
    const tag = p.effect === "skipped" ? " [org skipped]" : p.effect === "fatal" ? " [fatal]" : "";
    io.stderr(`${problemLine(p)}${tag}\n`);
  }
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
      io.stderr(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const code = reportConfig(config, io);
  if (code === 2) {
    io.stderr(`${file}: not usable; fix the problems above\n`);
    return 2;
  }
  io.stdout(`${file}: ${summarize(config)}\n`);
  return code;
}
