/** Where a command action leaves its exit code (a promise for long-running commands). */
export interface CommandResult {
  code: number | Promise<number>;
}

/** Where a command writes; tests pass their own buffers. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves with the signal name when a long-running command should shut down. */
  waitForStop?: () => Promise<string>;
  /** Calls `listener` on each reload request (SIGHUP); returns the unsubscribe. */
  onReloadSignal?: (listener: () => void) => () => void;
}

/** The real process streams, environment, and SIGINT/SIGTERM. */
export function processIo(): CommandIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    waitForStop: () =>
      new Promise<string>((resolve) => {
        process.once("SIGINT", () => resolve("SIGINT"));
        process.once("SIGTERM", () => resolve("SIGTERM"));
      }),
    onReloadSignal: (listener) => {
      // A listener also keeps SIGHUP from ending the process (Node's default).
      process.on("SIGHUP", listener);
      return () => process.off("SIGHUP", listener);
    },
  };
}

/** The environment variable that names the config when `--config` is not given. */
export const CONFIG_ENV = "ORGWATCH_CONFIG";

/** The help words on `ORGWATCH_CONFIG`, shared by every command that takes `--config`. */
export const CONFIG_ENV_HELP = `${CONFIG_ENV} (the config when --config is not given)`;

/** The help line on `ORGWATCH_DATA_DIR`, shared by every command that reads the history. */
export const DATA_DIR_HELP =
  "ORGWATCH_DATA_DIR (where a relative storage.sqlite lands instead of the config's folder)";

/** The `--config` option's help text, naming its environment default. */
export const CONFIG_HELP = `the orgwatch YAML config (default: $${CONFIG_ENV})`;

/**
 * The config file a command uses: `--config` wins, else `ORGWATCH_CONFIG` from `io.env`, so a
 * command copied from an alert runs as written. Null (after a one-line usage error) when neither.
 */
export function configFile(option: string | undefined, io: CommandIo): string | null {
  const file = option ?? io.env[CONFIG_ENV];
  if (file !== undefined && file !== "") return file;
  io.stderr(`error: no config file: pass --config FILE or set ${CONFIG_ENV}\n`);
  return null;
}
