import { readFileSync } from "node:fs";
import { OrgwatchError } from "../platform/errors.js";
import { parseYamlConfig } from "./yaml.js";

/** Reads a config (or included) file; a missing or unreadable one is one clear line. */
export function readConfigText(file: string, what = "config"): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new OrgwatchError(
      "CONFIG_UNREADABLE",
      `cannot read ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? "error"}); check the ${what === "config" ? "--config path" : "path, relative to the config file"}`,
    );
  }
}

/**
 * Parses a config document: JSON when the name ends in `.json` (a generated config of 100,000
 * orgs parses in a fraction of the time and memory YAML needs), YAML otherwise (js-yaml, see
 * yaml.ts). A syntax error throws one line with file:line:column and the offending line.
 */
export function parseConfigText(text: string, file: string): unknown {
  if (file.endsWith(".json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new OrgwatchError(
        "CONFIG_INVALID",
        `${file} is not valid JSON: ${err instanceof Error ? err.message : "parse error"}`,
      );
    }
  }
  return parseYamlConfig(file, text);
}
