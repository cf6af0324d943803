import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * What the image's runtime stage promises, as the container test relies on it; the Dockerfile
 * test checks the Dockerfile says exactly this.
 */
export const IMAGE = {
  /** Debian-based Node LTS majors the runtime may be on. */
  nodeMajors: [22, 24],
  user: "node",
  workdir: "/app",
  env: {
    NODE_ENV: "production",
    NODE_OPTIONS: "--max-old-space-size=768",
    ORGWATCH_CONFIG: "/etc/orgwatch/orgwatch.yaml",
    ORGWATCH_DATA_DIR: "/var/lib/orgwatch",
    ORGWATCH_LISTEN: "0.0.0.0:9464",
  },
  volume: "/var/lib/orgwatch",
  port: 9464,
  /** What the runtime stage copies into the workdir. */
  files: ["node_modules", "dist", "bin", "package.json", "config"],
  /** `orgwatch` on PATH: a symbolic link to the launcher. */
  command: { link: "/usr/local/bin/orgwatch", to: "/app/bin/orgwatch.js" },
  entrypoint: ["/usr/bin/tini", "--", "node", "/app/bin/orgwatch.js"],
  cmd: ["run"],
  healthcheck: [
    "node",
    "-e",
    "const p=(process.env.ORGWATCH_LISTEN||'').split(':').pop()||'9464';fetch('http://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
  ],
} as const;

/** A folder laid out like the image's file system, and who runs in it. */
export interface ImageRoot {
  root: string;
  /** The unprivileged uid/gid the process runs as (the image's `node` user). */
  uid: number;
  gid: number;
  /** An image path inside this root. */
  path(imagePath: string): string;
  /** The image's environment with its paths moved into this root. */
  env(): Record<string, string>;
}

/** Production dependencies of this checkout as npm computes them (`npm prune --omit=dev`). */
function productionPackages(repo: string): string[] {
  const out = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], {
    cwd: repo,
    encoding: "utf8",
  });
  return out
    .split("\n")
    .filter(Boolean)
    .map((p) => relative(repo, p))
    .filter((p) => p.startsWith("node_modules/") && p.split("node_modules/").length === 2);
}

/**
 * Copies a folder as hard links (read-only use, and 100 MB of packages in well under a second on
 * a loaded disk); a real copy when the temp folder is on another file system.
 */
function linkTree(from: string, to: string): void {
  if (spawnSync("cp", ["-al", from, to]).status !== 0) cpSync(from, to, { recursive: true });
}

/**
 * Lays out the image in `root`: the workdir with a production install (the dependencies npm
 * keeps with --omit=dev, copied from this checkout so better-sqlite3 stays compiled), the
 * config folder owned by root and read-only, the volume owned by the runtime user.
 */
export function layOutImage(root: string, user: { uid: number; gid: number }): ImageRoot {
  const repo = resolve(".");
  const path = (imagePath: string): string => join(root, imagePath);
  chmodSync(root, 0o755);
  const app = path(IMAGE.workdir);
  mkdirSync(app, { recursive: true });
  for (const file of IMAGE.files) {
    if (file === "node_modules") continue;
    cpSync(join(repo, file), join(app, file), { recursive: true });
  }
  for (const pkg of productionPackages(repo)) {
    mkdirSync(dirname(join(app, pkg)), { recursive: true });
    linkTree(join(repo, pkg), join(app, pkg));
  }
  mkdirSync(dirname(path(IMAGE.command.link)), { recursive: true });
  symlinkSync(path(IMAGE.command.to), path(IMAGE.command.link));
  mkdirSync(dirname(path(IMAGE.env.ORGWATCH_CONFIG)), { recursive: true });
  mkdirSync(path(IMAGE.volume), { recursive: true });
  if (process.getuid?.() === 0) chownSync(path(IMAGE.volume), user.uid, user.gid);
  return {
    root,
    ...user,
    path,
    env: () => ({
      ...IMAGE.env,
      ORGWATCH_CONFIG: path(IMAGE.env.ORGWATCH_CONFIG),
      ORGWATCH_DATA_DIR: path(IMAGE.env.ORGWATCH_DATA_DIR),
    }),
  };
}

/** Writes the config as a read-only mount: root-owned file in a folder nobody else can write. */
export function mountConfig(image: ImageRoot, text: string): void {
  const file = image.path(IMAGE.env.ORGWATCH_CONFIG);
  writeFileSync(file, text, { mode: 0o444 });
  chmodSync(file, 0o444);
  chmodSync(dirname(file), 0o555);
}

/** Writes a secret file readable by the runtime user only (a read-only secret mount). */
export function mountSecret(image: ImageRoot, imagePath: string, text: string): void {
  const file = image.path(imagePath);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o400 });
  if (process.getuid?.() === 0) chownSync(file, image.uid, image.gid);
}

/**
 * The command prefix that runs a program as the image's user: `setpriv` to an unprivileged uid
 * with no capabilities when this test runs as root (CI), nothing when it already runs unprivileged.
 */
export function asImageUser(image: ImageRoot): string[] {
  if (process.getuid?.() !== 0) return [];
  return [
    "setpriv",
    `--reuid=${String(image.uid)}`,
    `--regid=${String(image.gid)}`,
    "--clear-groups",
    "--inh-caps=-all",
    "--",
  ];
}
