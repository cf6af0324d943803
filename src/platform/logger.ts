import { pino, type Logger, type DestinationStream } from "pino";

/** Field paths whose values never reach a log line. */
export const REDACT_PATHS = [
  "assertion",
  "*.assertion",
  "access_token",
  "*.access_token",
  "accessToken",
  "*.accessToken",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "privateKey",
  "*.privateKey",
  "token",
  "*.token",
  "apiToken",
  "*.apiToken",
  "webhookUrl",
  "*.webhookUrl",
  "password",
  "*.password",
];

export type { Logger };

/** How log lines are written: JSON lines (for a log pipeline) or one readable line per event. */
export type LogFormat = "json" | "text";

/** The formats `ORGWATCH_LOG_FORMAT` accepts. */
export const LOG_FORMATS: readonly LogFormat[] = ["json", "text"];

/** Builds the process logger: JSON lines (or text lines) with secrets redacted. */
export function createLogger(
  options: { level?: string; format?: LogFormat; destination?: DestinationStream } = {},
): Logger {
  const destination = options.destination ?? pino.destination(2);
  return pino(
    {
      level: options.level ?? "info",
      base: { app: "orgwatch" },
      redact: { paths: REDACT_PATHS, censor: "<secret>" },
    },
    options.format === "text" ? textStream(destination) : destination,
  );
}

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const OMITTED = new Set(["level", "time", "msg", "app", "pid", "hostname"]);

/**
 * Rewrites pino's JSON lines (already redacted) as `TIME LEVEL message key=value ...`, one line
 * per event: an error shows its type, code and message, never its multi-line stack.
 */
function textStream(out: DestinationStream): DestinationStream {
  return {
    write: (line: string) => {
      out.write(`${textLine(JSON.parse(line) as Record<string, unknown>)}\n`);
    },
  };
}

/** One log event as a readable line. */
export function textLine(event: Record<string, unknown>): string {
  const time = typeof event.time === "number" ? new Date(event.time).toISOString() : "";
  const level = LEVELS[Number(event.level)] ?? String(event.level);
  const fields = Object.entries(event)
    .filter(([key, value]) => !OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  const msg = typeof event.msg === "string" ? event.msg : "";
  return [time, level.padEnd(5), msg, ...fields].filter(Boolean).join(" ");
}

function fieldText(value: unknown): string {
  if (value !== null && typeof value === "object" && "message" in value) {
    const err = value as { type?: unknown; code?: unknown; message?: unknown };
    const parts = [err.type, err.code, err.message].filter((p) => typeof p === "string");
    return JSON.stringify(parts.join(": "));
  }
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}
