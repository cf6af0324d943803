import { relative, resolve } from "node:path";
import { globSync, isDynamicPattern } from "tinyglobby";
import { OrgwatchError } from "../platform/errors.js";
import { expandEnv, missingMessage } from "./env.js";
import type { OrgSource } from "./orgs.js";
import { parseConfigText, readConfigText } from "./parse.js";
import { formatPath } from "./paths.js";
import type { ConfigProblem } from "./problems.js";

/** The files an `include:` list names, in order: each pattern's matches sorted, each file once. */
export function includedFiles(
  patterns: readonly string[],
  dir: string,
  mainFile: string,
  problems: ConfigProblem[],
): { file: string; pattern: number }[] {
  const out: { file: string; pattern: number }[] = [];
  const seen = new Set([resolve(mainFile)]);
  patterns.forEach((pattern, index) => {
    let files: string[];
    if (isDynamicPattern(pattern)) {
      files = globSync(pattern, {
        cwd: dir,
        absolute: true,
        onlyFiles: true,
        expandDirectories: false,
      }).sort();
      if (files.length === 0) {
        problems.push({
          path: formatPath(["include", index]),
          message: `${JSON.stringify(pattern)} matches no file yet (paths are relative to the config file)`,
          effect: "warning",
        });
      }
    } else {
      files = [resolve(dir, pattern)];
    }
    for (const file of files) {
      if (seen.has(file)) continue;
      seen.add(file);
      out.push({ file, pattern: index });
    }
  });
  return out;
}

/**
 * Reads one included file: a YAML (or JSON) document holding only an `orgs:` list. A file that
 * cannot be read or parsed, or holds anything else, is fatal: dropping it would silently remove
 * its orgs (and, on a reload, close their incidents). `${VAR}` is expanded after parsing; an
 * entry with a missing variable is skipped.
 */
export function loadIncluded(
  included: { file: string; pattern: number },
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
): OrgSource | null {
  const name = relative(dir, included.file);
  let tree: unknown;
  try {
    tree = parseConfigText(readConfigText(included.file, "included file"), included.file);
  } catch (err) {
    if (!(err instanceof OrgwatchError)) throw err;
    problems.push({
      path: formatPath(["include", included.pattern]),
      message: err.message,
      effect: "fatal",
    });
    return null;
  }
  const doc = (tree ?? {}) as Record<string, unknown>;
  if (typeof doc !== "object" || Array.isArray(doc)) {
    problems.push({
      file: name,
      path: formatPath([]),
      message: "must be a mapping with an orgs: list, like the main config's",
      effect: "fatal",
    });
    return null;
  }
  let fine = true;
  for (const key of Object.keys(doc).filter((k) => k !== "orgs")) {
    problems.push({
      file: name,
      path: key,
      message: "unknown field; an included file holds only an orgs: list",
      effect: "fatal",
    });
    fine = false;
  }
  const rawOrgs = doc.orgs ?? [];
  if (!Array.isArray(rawOrgs)) {
    problems.push({
      file: name,
      path: "orgs",
      message: "must be a list of org entries",
      effect: "fatal",
    });
    return null;
  }
  if (!fine) return null;
  const { value, missing } = expandEnv(rawOrgs, env, ["orgs"]);
  const bad = new Set<number>();
  for (const m of missing) {
    if (typeof m.path[1] === "number") bad.add(m.path[1]);
    problems.push({
      file: name,
      path: formatPath(m.path),
      message: missingMessage(m).split(": ").slice(1).join(": "),
      effect: "skipped",
    });
  }
  return { file: name, entries: value as unknown[], bad };
}

/**
 * The folders to watch for an `include:` list: each pattern's static part (the folder before
 * its first glob segment), recursively when the pattern has `**`. Folders, not files, so that
 * editors that save by replacing a file (write a new one, rename it over) are seen, and so are
 * new files that match a glob.
 */
export function includeWatchDirs(
  patterns: readonly string[],
  dir: string,
): { dir: string; recursive: boolean }[] {
  return patterns.map((pattern) => {
    const segments = pattern.split("/");
    const fixed: string[] = [];
    for (const segment of segments.slice(0, -1)) {
      if (isDynamicPattern(segment)) break;
      fixed.push(segment);
    }
    const base = resolve(dir, fixed.join("/") || ".");
    return { dir: base, recursive: pattern.includes("**") };
  });
}
