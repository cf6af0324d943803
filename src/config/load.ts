import { basename, dirname, resolve } from "node:path";
import { expandEnv, missingMessage } from "./env.js";
import { includedFiles, loadIncluded } from "./include.js";
import { loadAlerting } from "./alerting-load.js";
import type { AlertingConfig } from "./alerting.js";
import { LoadCache, OrgCollector } from "./orgs.js";
import { parseConfigText, readConfigText } from "./parse.js";
import { formatPath } from "./paths.js";
import { issueMessages, type ConfigProblem } from "./problems.js";
import { orgSchema, topSchema, type TopConfig } from "./schema.js";
import type { OrgTarget } from "./target.js";

export type { ConfigProblem } from "./problems.js";
export { problemLine } from "./problems.js";

/** A loaded config: what can run, and every problem found on the way. */
export interface LoadedConfig {
  file: string;
  dir: string;
  top: Omit<TopConfig, "orgs" | "notifiers" | "routes" | "silences">;
  /** Notifiers, routes and silences that validated, and the alerting policy. */
  alerting: AlertingConfig;
  orgs: OrgTarget[];
  problems: ConfigProblem[];
  /** How many org entries the files had, usable or not. */
  entries: number;
  /** The config file and every included file that was read (absolute), for watching. */
  files: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Expands `${VAR}`; a missing one in an org or notifier entry skips that entry, elsewhere it is fatal. */
function expand(
  raw: unknown,
  env: Env,
  problems: ConfigProblem[],
): { value: unknown; badOrgs: Set<number>; badEntries: Set<string> } {
  const { value, missing } = expandEnv(raw ?? {}, env);
  const badOrgs = new Set<number>();
  const badEntries = new Set<string>();
  for (const m of missing) {
    const list = m.path[0];
    const inEntry = typeof m.path[1] === "number" && (list === "orgs" || list === "notifiers");
    if (inEntry) {
      if (list === "orgs") badOrgs.add(m.path[1] as number);
      badEntries.add(`${list}[${String(m.path[1])}]`);
    }
    problems.push({
      path: formatPath(m.path),
      message: missingMessage(m).split(": ").slice(1).join(": "),
      effect: inEntry ? "skipped" : "fatal",
    });
  }
  return { value, badOrgs, badEntries };
}

/**
 * Validates a parsed config tree and the files it includes. Every problem is reported at once;
 * a broken org entry is skipped and the others still load; only a broken top level (or an
 * included file that cannot be read or parsed) is fatal.
 */
export function loadConfigTree(raw: unknown, options: { file: string; env: Env }): LoadedConfig {
  const file = resolve(options.file);
  const dir = dirname(file);
  const problems: ConfigProblem[] = [];
  const { value, badOrgs, badEntries } = expand(raw, options.env, problems);
  const parsed = topSchema.safeParse(value);
  if (!parsed.success) {
    for (const p of issueMessages(parsed.error, [])) problems.push({ ...p, effect: "fatal" });
    // A top-level mistake must not hide the org entries' own: check their shape too.
    const rawOrgs = (value as { orgs?: unknown }).orgs;
    if (Array.isArray(rawOrgs)) {
      rawOrgs.forEach((raw: unknown, index) => {
        const entry = orgSchema.safeParse(raw);
        if (entry.success) return;
        for (const p of issueMessages(entry.error, ["orgs", index])) {
          problems.push({ ...p, effect: "skipped" });
        }
      });
    }
    const empty = topSchema.parse({});
    const alerting = { notifiers: [], routes: [], silences: [], policy: empty.alerting };
    return { file, dir, top: empty, alerting, orgs: [], problems, entries: 0, files: [file] };
  }
  const { orgs: rawOrgs, notifiers, routes, silences, ...top } = parsed.data;
  const alerting = loadAlerting(
    { notifiers, routes, silences },
    top.alerting,
    badEntries,
    problems,
  );
  const collector = new OrgCollector(parsed.data, new LoadCache(dir), problems, basename(file));
  collector.add({ entries: rawOrgs, bad: badOrgs });
  const files = [file];
  for (const included of includedFiles(top.include, dir, file, problems)) {
    const source = loadIncluded(included, dir, options.env, problems);
    files.push(included.file);
    if (source) collector.add(source);
  }
  return {
    file,
    dir,
    top,
    alerting,
    orgs: collector.orgs,
    problems,
    entries: collector.entries,
    files,
  };
}

/** Reads and validates a config file. Throws only when the file itself cannot be read or parsed. */
export function loadConfig(file: string, env: Env): LoadedConfig {
  return loadConfigTree(parseConfigText(readConfigText(file), file), { file, env });
}

/** One line that says how many orgs can be checked. */
export function summarize(config: LoadedConfig): string {
  const keyBad = config.orgs.filter((o) => !o.key.ok).length;
  const skipped = config.entries - config.orgs.length;
  const parts = [`${config.orgs.length - keyBad} of ${config.entries} orgs usable`];
  if (keyBad > 0) parts.push(`${keyBad} with an unusable key (reported as key_invalid)`);
  if (skipped > 0) parts.push(`${skipped} skipped`);
  return parts.join(", ");
}
