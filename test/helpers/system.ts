import { spawnSync } from "node:child_process";

/** Whether a command is on PATH. */
export function hasBinary(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

let installed = false;

/**
 * Makes sure Debian's Prometheus tools are on PATH, installing them once with apt-get when they
 * are missing (tests run as root in CI); throws a clear error when that is impossible.
 */
export function ensureBinaries(names: readonly string[]): void {
  const missing = names.filter((name) => !hasBinary(name));
  if (missing.length === 0) return;
  if (!installed) {
    installed = true;
    const apt = spawnSync(
      "sh",
      [
        "-c",
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq " +
          "--no-install-recommends prometheus prometheus-alertmanager",
      ],
      { encoding: "utf8", timeout: 300_000 },
    );
    if (apt.status !== 0) {
      throw new Error(
        `missing ${missing.join(", ")} and apt-get could not install them ` +
          `(exit ${apt.status}): ${(apt.stderr || apt.stdout).slice(-800)}\n` +
          "Install them with: apt-get install --no-install-recommends prometheus prometheus-alertmanager",
      );
    }
  }
  const still = names.filter((name) => !hasBinary(name));
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(", ")}`);
}

/** Runs a command with stdin; returns exit status and combined output. */
export function run(
  command: string,
  args: readonly string[],
  input?: string,
): { status: number | null; output: string } {
  const result = spawnSync(command, args, { input, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}
