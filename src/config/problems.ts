import type { z } from "zod";
import { formatPath } from "./paths.js";

/** One thing wrong with the config, located by its YAML path. */
export interface ConfigProblem {
  /** The included file it is in, relative to the main config; absent for the main file. */
  file?: string;
  path: string;
  message: string;
  /** `skipped`: the org entry was dropped; `key`: the org stays, unhealthy as key_invalid; `fatal`: nothing runs. */
  effect: "fatal" | "skipped" | "key" | "warning";
}

/** One line for a problem: `orgs/eu.yaml: orgs[2].loginUrl: ...` (the file only when included). */
export function problemLine(p: Pick<ConfigProblem, "file" | "path" | "message">): string {
  return `${p.file === undefined ? "" : `${p.file}: `}${p.path}: ${p.message}`;
}

/** Zod issues as problems under a YAML path prefix; unknown keys each get their own path. */
export function issueMessages(
  error: z.ZodError,
  prefix: (string | number)[],
): { path: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatPath([...path, key]),
        message: `unknown field; remove it or check its spelling`,
      }));
    }
    let message = issue.message;
    if (issue.code === "invalid_type" && /received undefined/.test(message)) {
      message = "is required";
    }
    return [{ path: formatPath(path), message }];
  });
}
