import { spawnSync } from "node:child_process";

/** Whether a command is on PATH. */
export function hasBinary(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** The Debian package that brings each binary the tests use. */
const PACKAGES: Record<string, string> = {
  promtool: "prometheus",
  prometheus: "prometheus",
  amtool: "prometheus-alertmanager",
  alertmanager: "prometheus-alertmanager",
  "redis-server": "redis-server",
  chromium: "chromium",
  openssl: "openssl",
};

let updated = false;

/**
 * Makes sure the binaries the tests drive (Prometheus tools, redis-server, chromium) are on
 * PATH, installing the missing ones' Debian packages with apt-get (tests run as root in CI);
 * throws a clear error when that is impossible.
 */
export function ensureBinaries(names: readonly string[]): void {
  const missing = names.filter((name) => !hasBinary(name));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((name) => PACKAGES[name] ?? name))].join(" ");
  const update = updated ? "true" : "apt-get update -qq";
  updated = true;
  const apt = spawnSync(
    "sh",
    [
      "-c",
      `${update} && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${packages}`,
    ],
    { encoding: "utf8", timeout: 600_000 },
  );
  if (apt.status !== 0) {
    throw new Error(
      `missing ${missing.join(", ")} and apt-get could not install them ` +
        `(exit ${String(apt.status)}): ${(apt.stderr || apt.stdout).slice(-800)}\n` +
        `Install them with: apt-get install --no-install-recommends ${packages}`,
    );
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
