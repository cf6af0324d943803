/** Stable codes for errors orgwatch raises itself. */
export type OrgwatchErrorCode =
  | "CONFIG_INVALID"
  | "CONFIG_UNREADABLE"
  | "ENV_MISSING"
  | "USAGE"
  | "SIMFILE_INVALID"
  | "WORKER_UNKNOWN_ORG"
  | "STORAGE_UNUSABLE"
  | "LISTEN_FAILED"
  | "WORK_RESULT_INVALID"
  | "REDIS_UNREACHABLE"
  | "INTERNAL";

/** Base error with a stable `code`, so callers switch on codes, never on message text. */
export class OrgwatchError extends Error {
  readonly code: OrgwatchErrorCode;

  constructor(code: OrgwatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OrgwatchError";
    this.code = code;
  }
}
