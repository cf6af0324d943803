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

/** Builds the process logger: JSON lines with secrets redacted. */
export function createLogger(
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { app: "orgwatch" },
      redact: { paths: REDACT_PATHS, censor: "<secret>" },
    },
    options.destination ?? pino.destination(2),
  );
}
