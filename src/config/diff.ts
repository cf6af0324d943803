import { createHash } from "node:crypto";
import { Secret } from "../platform/secret.js";
import type { LoadedConfig } from "./load.js";

/**
 * What a reload applies, and what only a restart does. Orgs (and the defaults they inherit),
 * routes, silences and the alerting policy are applied on a reload. The listen address, the API
 * token, the history database, the scheduler, per-org metrics, notifiers and the Slack signing
 * secret are built once at start: a change to them is reported and waits for a restart.
 */
export const RESTART_FIELDS = [
  "server",
  "storage",
  "scheduler",
  "metrics",
  "notifiers",
  "slack",
] as const;

/** A digest of a value where each Secret counts by its hash: compared, never printed. */
function digest(value: unknown): string {
  // JSON.stringify(undefined) is undefined, whatever its declared type says: wrap the value.
  const text = JSON.stringify([value], function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (raw instanceof Secret) {
      return `secret:${createHash("sha256").update(JSON.stringify(raw.reveal())).digest("hex")}`;
    }
    return v;
  });
  return createHash("sha256").update(text).digest("hex");
}

/** The restart-only top-level fields whose value differs between two configs (names only). */
export function restartOnlyChanges(before: LoadedConfig, after: LoadedConfig): string[] {
  const sections = (c: LoadedConfig): Record<string, unknown> => ({
    ...c.top,
    notifiers: c.alerting.notifiers,
  });
  const a = sections(before);
  const b = sections(after);
  return RESTART_FIELDS.filter((field) => digest(a[field]) !== digest(b[field]));
}
