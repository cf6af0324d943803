import { z } from "zod";
import { parseDuration } from "../platform/duration.js";

/**
 * A zod error map for a field of the wrong type: "is required" when absent, else the hint
 * (which may quote what was given).
 */
export function typeHint(hint: (given: unknown) => string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? "is required" : hint(issue.input));
}

/** A duration such as `30s`, `5m`, `1h`, turned into milliseconds. */
export const durationField = z
  .string({
    error: typeHint((given) =>
      typeof given === "number"
        ? `${String(given)} has no unit; write it like ${String(given)}s, 5m or 1h`
        : "write a duration like 30s, 5m or 1h",
    ),
  })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) {
      ctx.addIssue({
        code: "custom",
        message: `${JSON.stringify(text)} is not a duration; write it like 30s, 5m or 1h`,
      });
      return z.NEVER;
    }
    return ms;
  });

const EXPECTED: Record<string, string> = {
  number: "must be a number",
  boolean: "must be true or false",
  string: "must be text (quote it in YAML)",
  array: "must be a list",
  object: "must be a mapping of fields",
};

/**
 * Words for a value of the wrong type anywhere in the config, instead of zod's generic text:
 * "is required" when absent, else what is expected and what was given. Fields with a more
 * precise hint (durations, versions, host:port) set their own.
 */
z.config({
  customError: (issue) => {
    if (issue.code !== "invalid_type") return undefined;
    if (issue.input === undefined) return "is required";
    const want = EXPECTED[issue.expected];
    if (want === undefined) return undefined;
    const given = JSON.stringify(issue.input);
    return `${want}, not ${given.length > 40 ? `${given.slice(0, 40)}…` : given}`;
  },
});
