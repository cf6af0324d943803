import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { linksFor } from "../classify/index.js";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import type { OrgTarget } from "../config/target.js";
import { historyOf, type OrgState } from "../domain/state.js";
import { systemClock } from "../platform/clock.js";
import { parseDuration } from "../platform/duration.js";
import { OrgwatchError } from "../platform/errors.js";
import { orgContext } from "../monitor/check-org.js";
import {
  defaultAppKind,
  hostAndAudience,
  onboardingPlan,
  type AppKind,
  type OnboardingPlan,
} from "../monitor/onboarding.js";
import { openStore } from "../store/index.js";
import { clientFromEnv } from "./check.js";
import { draftContext, draftEntry, draftYaml, type DraftInput } from "./onboard-draft.js";
import { newKeyText, writeNewKey, type NewKey } from "./onboard-key.js";
import { planText } from "./onboard-output.js";
import { watchOrg } from "./onboard-watch.js";
import {
  CONFIG_ENV,
  CONFIG_ENV_HELP,
  CONFIG_HELP,
  configFile,
  type CommandIo,
  type CommandResult,
} from "./io.js";

/** Options of `orgwatch onboard`, as commander hands them over. */
export interface OnboardOptions {
  config?: string;
  org?: string;
  loginUrl?: string;
  username?: string;
  clientId?: string;
  appKind?: string;
  newKey?: string;
  watch?: boolean;
  every: string;
  timeout?: string;
  json?: boolean;
}

const APP_KIND_NAMES: Record<string, AppKind> = {
  "external-client-app": "external_client_app",
  eca: "external_client_app",
  "connected-app": "connected_app",
  connected: "connected_app",
};

function usage(message: string): OrgwatchError {
  return new OrgwatchError("USAGE", message);
}

function appKindOf(text: string | undefined): AppKind | undefined {
  if (text === undefined) return undefined;
  const kind = APP_KIND_NAMES[text];
  if (!kind) throw usage(`--app-kind ${text}: use external-client-app or connected-app`);
  return kind;
}

function durationOf(flag: string, text: string, minMs: number): number {
  const ms = parseDuration(text);
  if (ms === null || ms < minMs) {
    throw usage(`${flag} ${text}: give a duration of at least ${minMs / 1000}s, like 30s or 5m`);
  }
  return ms;
}

function say(io: CommandIo, json: boolean, event: Record<string, unknown>, text: string): void {
  io.stdout(json ? `${JSON.stringify(event)}\n` : text);
}

function reportKey(io: CommandIo, json: boolean, key: NewKey): void {
  say(io, json, { event: "key", ...key }, newKeyText(key));
}

/** `--login-url URL --username U`: prints the checklist and the config entry to add. */
function draft(opts: OnboardOptions, io: CommandIo): number {
  if (opts.loginUrl === undefined || opts.username === undefined) {
    throw usage(
      "a new org needs both --login-url URL and --username U (or --config FILE --org ID)",
    );
  }
  const input: DraftInput = {
    loginUrl: opts.loginUrl,
    username: opts.username,
    clientId: opts.clientId,
    id: opts.org,
    appKind: appKindOf(opts.appKind),
  };
  const org = draftContext(input);
  const kind = input.appKind ?? "external_client_app";
  const links = linksFor(org, historyOf(null));
  const key = opts.newKey === undefined ? null : writeNewKey(opts.newKey, systemClock.now());
  if (key) reportKey(io, opts.json === true, key);
  const entry = draftEntry(org, { ...input, key }, hostAndAudience(org, kind, links));
  // The checklist describes the entry as drafted (host and audience already right for the kind).
  const drafted = {
    ...org,
    loginUrl: String(entry["loginUrl"]),
    audience: String(entry["audience"]),
  };
  const plan = onboardingPlan({ ...drafted, audienceDerived: false }, kind, links);
  if (opts.json) {
    io.stdout(`${JSON.stringify({ event: "draft", entry, plan })}\n`);
    return 0;
  }
  io.stdout(`${planText(plan, org.name)}\n${draftYaml(entry, kind)}`);
  io.stdout(`\nThen watch it connect: orgwatch onboard --config FILE --org ${org.id}\n`);
  return 0;
}

/** The index of the raw entry with this id, to name its own problems when it was skipped. */
function rawIndex(file: string, id: string): number | null {
  try {
    const text = readFileSync(file, "utf8");
    const tree = (file.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as {
      orgs?: ({ id?: unknown } | null)[];
    };
    const i = (tree.orgs ?? []).findIndex((o) => o?.id === id);
    return i < 0 ? null : i;
  } catch {
    return null;
  }
}

/** The org's target, or an error naming the field (or the id) that keeps it from loading. */
function findTarget(config: LoadedConfig, file: string, id: string): OrgTarget {
  const fatal = config.problems.find((p) => p.effect === "fatal");
  if (fatal) throw usage(`${file}: ${fatal.path}: ${fatal.message}`);
  const target = config.orgs.find((o) => o.id === id);
  if (target) return target;
  const index = rawIndex(file, id);
  const own = config.problems.find((p) => index !== null && p.path.startsWith(`orgs[${index}]`));
  if (own) throw usage(`${file}: ${own.path} (org ${id}): ${own.message}`);
  const known = config.orgs.map((o) => o.id).join(", ") || "none";
  throw usage(`--org ${id}: no such org in ${file}; known: ${known}`);
}

/** The org as the config says now; a config that does not load (half-edited) keeps `last`. */
function reloader(file: string, id: string, io: CommandIo, first: OrgTarget): () => OrgTarget {
  let last = first;
  return () => {
    try {
      last = findTarget(loadConfig(file, io.env), file, id);
    } catch (err) {
      if (!(err instanceof OrgwatchError)) throw err;
    }
    return last;
  };
}

/** `--config FILE --org ID`: the checklist for a configured org, then (with --watch) live checks. */
async function onboardConfigured(
  file: string,
  opts: OnboardOptions,
  io: CommandIo,
): Promise<number> {
  if (opts.org === undefined)
    throw usage("--org ID is required with --config (or use --login-url)");
  const orgId = opts.org;
  const everyMs = durationOf("--every", opts.every, 1000);
  const timeoutMs = opts.timeout === undefined ? null : durationOf("--timeout", opts.timeout, 1000);
  const json = opts.json === true;
  const config = loadConfig(file, io.env);
  const first = findTarget(config, file, orgId);
  const kindOption = appKindOf(opts.appKind);
  const recheck = `orgwatch onboard --config ${file} --org ${orgId}`;
  const planFor = (target: OrgTarget, state: OrgState | null): OnboardingPlan => {
    const org = orgContext(target, recheck);
    return onboardingPlan(org, kindOption ?? defaultAppKind(org), linksFor(org, historyOf(state)));
  };
  if (opts.newKey !== undefined) reportKey(io, json, writeNewKey(opts.newKey, systemClock.now()));
  const tty = (process.stdout.isTTY as boolean | undefined) ?? false;
  const watch = opts.watch ?? tty;
  const dbPath = resolve(config.dir, config.top.storage.sqlite);
  // The checklist alone never creates the monitor's database; watching needs its login ledger.
  const store = watch || existsSync(dbPath) ? openStore(dbPath) : null;
  try {
    const initial = store?.getOrgState(orgId) ?? null;
    const plan = planFor(first, initial);
    say(io, json, { event: "plan", org: orgId, ...plan }, `${planText(plan, first.name)}\n`);
    if (!watch || store === null) return 0;
    return await watchOrg({
      io,
      clock: systemClock,
      client: clientFromEnv(io.env),
      // Re-read each pass: the admin pastes the Consumer Key or fixes the audience meanwhile.
      target: reloader(file, orgId, io, first),
      ledger: store,
      initial,
      plan: planFor,
      everyMs,
      timeoutMs,
      json,
      tty,
      stop: io.waitForStop?.() ?? new Promise<string>(() => undefined),
      recheckCommand: recheck,
      runCommand: `orgwatch run --config ${file}`,
    });
  } finally {
    store?.close();
  }
}

/** `orgwatch onboard`: 0 connected (or checklist/draft printed), 1 stopped or timed out, 2 bad input. */
export async function onboardCommand(opts: OnboardOptions, io: CommandIo): Promise<number> {
  try {
    if (opts.loginUrl !== undefined || opts.username !== undefined) return draft(opts, io);
    if (
      opts.config === undefined &&
      io.env[CONFIG_ENV] === undefined &&
      opts.newKey !== undefined &&
      opts.org === undefined
    ) {
      reportKey(io, opts.json === true, writeNewKey(opts.newKey, systemClock.now()));
      return 0;
    }
    const file = configFile(opts.config, io);
    if (file === null) return 2;
    if (!existsSync(file)) throw usage(`--config ${file}: no such file`);
    return await onboardConfigured(file, opts, io);
  } catch (err) {
    if (err instanceof OrgwatchError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** Adds `orgwatch onboard` to the program. */
export function registerOnboard(program: Command, io: CommandIo, result: CommandResult): void {
  program
    .command("onboard")
    .description("walk an admin through connecting an org, checking it live until it is healthy")
    .option("-c, --config <file>", CONFIG_HELP)
    .option("--org <id>", "the org entry in the config (with --login-url: the id of the draft)")
    .option("--login-url <url>", "a new org's My Domain URL: print a config entry to add")
    .option("--username <user>", "with --login-url: the integration user's username")
    .option("--client-id <key>", "with --login-url: the app's Consumer Key, if you have it")
    .option(
      "--app-kind <kind>",
      "external-client-app or connected-app (default: connected-app when the org has appId, else external-client-app)",
    )
    .option(
      "--new-key <dir>",
      "write an RSA-2048 private key (0600) and a self-signed certificate (0644) into DIR",
    )
    .option("--watch", "check the org until it is healthy (default on a terminal)")
    .option("--no-watch", "print the checklist only")
    .option("--every <duration>", "time between checks while watching", "30s")
    .option("--timeout <duration>", "give up after this long (exit 1)")
    .option("--json", "one JSON line per event: plan, each observation, end")
    .addHelpText(
      "after",
      "\nThe checklist follows the order Salesforce checks a JWT login in: key, app and Consumer Key,\n" +
        "certificate, token host and audience, user, install, policies, permission set, API access.\n" +
        "While watching, each check marks the steps it proves done, points at the one still missing with\n" +
        "its fix, and waits calmly through Salesforce's 2-10 minute propagation. Every check takes one\n" +
        "login from the user's hourly budget in storage.sqlite, shared with `orgwatch run`.\n" +
        "Exit codes: 0 healthy (or checklist or draft printed), 1 stopped (Ctrl-C) or --timeout, with\n" +
        "the last cause, 2 bad input (unknown org, a missing config field, an unwritable key folder).\n" +
        `Environment: ${CONFIG_ENV_HELP}, ORGWATCH_RESOLVE pins hosts.\n` +
        "Examples:\n" +
        "  orgwatch onboard --new-key ./keys --login-url https://acme.my.salesforce.com --username integration@acme.com\n" +
        "  orgwatch onboard --config orgwatch.yaml --org acme --watch --every 30s --timeout 30m",
    )
    .action((opts: OnboardOptions) => {
      result.code = onboardCommand(opts, io);
    });
}
