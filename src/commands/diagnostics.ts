import type { ConfigProblem } from "../config/problems.js";
import { createLogger, LOG_FORMATS, type LogFormat, type Logger } from "../platform/logger.js";
import type { CommandIo } from "./io.js";

/** The environment variable that chooses the log format. */
export const LOG_FORMAT_ENV = "ORGWATCH_LOG_FORMAT";

/** `ORGWATCH_LOG_FORMAT` as given: undefined when unset, null when it names no format. */
export function logFormatOf(env: CommandIo["env"]): LogFormat | undefined | null {
  const value = env[LOG_FORMAT_ENV];
  if (value === undefined || value === "") return undefined;
  return LOG_FORMATS.find((f) => f === value) ?? null;
}

/** The one-line error for a value of `ORGWATCH_LOG_FORMAT` that names no format. */
export function badLogFormat(env: CommandIo["env"]): string {
  return `${LOG_FORMAT_ENV} ${String(env[LOG_FORMAT_ENV])}: must be json or text`;
}

/** Where a command says what is wrong: config problems and one-line errors, on stderr. */
export interface Diagnostics {
  problem(p: ConfigProblem): void;
  error(message: string, code?: string): void;
}

/**
 * Diagnostics in the chosen log format: with `ORGWATCH_LOG_FORMAT` set, log lines like the
 * monitor's own (JSON, or one readable line each), so a log pipeline reads them; unset, plain
 * `path: message` lines.
 */
export function diagnosticsFor(io: CommandIo): Diagnostics {
  const format = logFormatOf(io.env) ?? undefined;
  if (format === undefined) {
    return {
      problem: (p) => {
        io.stderr(`${p.path}: ${p.message}${tagOf(p)}\n`);
      },
      error: (message) => {
        io.stderr(`${message}\n`);
      },
    };
  }
  const logger: Logger = createLogger({
    format,
    destination: { write: (line: string) => io.stderr(line) },
  });
  return {
    problem: (p) => {
      const level = p.effect === "fatal" ? "error" : "warn";
      if (format === "json") logger[level]({ path: p.path, effect: p.effect }, p.message);
      else logger[level](`${p.path}: ${p.message}${tagOf(p)}`);
    },
    error: (message, code) => {
      logger.error(code === undefined ? {} : { code }, message);
    },
  };
}

function tagOf(p: ConfigProblem): string {
  return p.effect === "skipped" ? " [org skipped]" : p.effect === "fatal" ? " [fatal]" : "";
}
