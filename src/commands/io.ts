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
  };
}
