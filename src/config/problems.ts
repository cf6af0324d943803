/** One thing wrong with the config, located by its YAML path. */
export interface ConfigProblem {
  path: string;
  message: string;
  /** `skipped`: the org entry was dropped; `key`: the org stays, unhealthy as key_invalid; `fatal`: nothing runs. */
  effect: "fatal" | "skipped" | "key" | "warning";
}
