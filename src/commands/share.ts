import type { Command } from "commander";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { MAX_SHARE_TTL_MS, shareUrl, signShare } from "../http/page-auth.js";
import { systemClock, type Clock } from "../platform/clock.js";
import { formatDuration, parseDuration } from "../platform/duration.js";
import { OrgwatchError } from "../platform/errors.js";
import {
  CONFIG_ENV_HELP,
  CONFIG_HELP,
  configFile,
  type CommandIo,
  type CommandResult,
} from "./io.js";

/** Options of `orgwatch share`. */
export interface ShareOptions {
  config: string;
  org: string;
  ttl: string;
}

function loadOrExplain(file: string, io: CommandIo): LoadedConfig | null {
  try {
    const config = loadConfig(file, io.env);
    const fatal = config.problems.filter((p) => p.effect === "fatal");
    for (const p of fatal) io.stderr(`${p.path}: ${p.message}\n`);
    return fatal.length > 0 ? null : config;
  } catch (err) {
    if (err instanceof OrgwatchError) {
      io.stderr(`${err.message}\n`);
      return null;
    }
    throw err;
  }
}

/**
 * `orgwatch share`: prints a link under server.publicUrl that opens one org's page (state,
 * cause, fix steps, "check now") without the API token, until it expires. Rotating
 * server.shareSecret revokes every link given out.
 */
export function shareCommand(
  opts: ShareOptions,
  io: CommandIo,
  clock: Clock = systemClock,
): number {
  const ttl = parseDuration(opts.ttl);
  if (ttl === null || ttl < 60_000 || ttl > MAX_SHARE_TTL_MS) {
    io.stderr(`--ttl ${opts.ttl}: give a duration from 1m to 90d, e.g. --ttl 7d\n`);
    return 2;
  }
  const config = loadOrExplain(opts.config, io);
  if (!config) return 2;
  const { publicUrl, shareSecret } = config.top.server;
  if (publicUrl === undefined) {
    io.stderr(
      "server.publicUrl: not set; share links are built under it, e.g. publicUrl: https://orgwatch.example.com\n",
    );
    return 2;
  }
  if (shareSecret === undefined) {
    io.stderr(
      "server.shareSecret: not set; it signs share links, e.g. shareSecret: ${ORGWATCH_SHARE_SECRET} (32+ characters)\n",
    );
    return 2;
  }
  if (!config.orgs.some((o) => o.id === opts.org)) {
    const known = config.orgs.map((o) => o.id);
    io.stderr(
      `--org ${opts.org}: no such org in ${opts.config}; known: ${known.slice(0, 20).join(", ") || "none"}${known.length > 20 ? ", ..." : ""}\n`,
    );
    return 2;
  }
  const expiresAt = clock.now() + ttl;
  io.stdout(`${shareUrl(publicUrl, signShare(opts.org, expiresAt, shareSecret.reveal()))}\n`);
  io.stderr(
    `opens only ${opts.org}'s page for ${formatDuration(ttl)} (until ${new Date(expiresAt).toISOString()}); rotate server.shareSecret to revoke every link\n`,
  );
  return 0;
}

/** Adds `orgwatch share` to the program. */
export function registerShare(program: Command, io: CommandIo, result: CommandResult): void {
  program
    .command("share")
    .description("print a signed, expiring link to one org's status page (no API token needed)")
    .option("-c, --config <file>", CONFIG_HELP)
    .requiredOption("--org <id>", "the org the link opens (and nothing else)")
    .option("--ttl <duration>", "how long the link works, 1m to 90d", "7d")
    .addHelpText(
      "after",
      "\nThe link is printed on stdout, under server.publicUrl, signed (HMAC-SHA256) with\n" +
        'server.shareSecret. It shows the org\'s state, cause, fix steps and a "check now" button\n' +
        "(within the login budget); other orgs, the fleet page and the rest of the API stay closed.\n" +
        "Rotate server.shareSecret (and restart) to revoke every link given out.\n" +
        `Exit codes: 0 printed, 2 usage or config error.\nEnvironment: ${CONFIG_ENV_HELP}.`,
    )
    .action((opts: Omit<ShareOptions, "config"> & { config?: string }) => {
      const file = configFile(opts.config, io);
      result.code = file === null ? 2 : shareCommand({ ...opts, config: file }, io);
    });
}
