import { z } from "zod";
import { parseDuration } from "../platform/duration.js";

/** A duration such as `30s`, `5m`, `1h`, turned into milliseconds. */
export const durationField = z.string().transform((text, ctx) => {
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
