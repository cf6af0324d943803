import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { OrgwatchError } from "../platform/errors.js";
import { expandEnv, missingMessage } from "./env.js";
import {
  checkCertificate,
  checkPrivateKey,
  type CertificateStatus,
  type KeyStatus,
} from "./keys.js";
import { loadAlerting } from "./alerting-load.js";
import type { AlertingConfig } from "./alerting.js";
import { formatPath } from "./paths.js";
import type { ConfigProblem } from "./problems.js";

export type { ConfigProblem } from "./problems.js";
import { orgSchema, topSchema, type OrgEntry, type TopConfig } from "./schema.js";
import { deriveAudience, isSandboxHost, myDomainOf, type OrgTarget } from "./target.js";
import { parseYamlConfig } from "./yaml.js";

/** A loaded config: what can run, and every problem found on the way. */
export interface LoadedConfig {
  file: string;
  dir: string;
  top: Omit<TopConfig, "orgs" | "notifiers" | "routes" | "silences">;
  /** Notifiers, routes and silences that validated, and the alerting policy. */
  alerting: AlertingConfig;
  orgs: OrgTarget[];
  problems: ConfigProblem[];
  /** How many org entries the file had, usable or not. */
  entries: number;
}

function issueMessages(
  error: z.ZodError,
  prefix: (string | number)[],
): { path: string; message: string }[] {
  return error.issues
    .map((issue) => {
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
    })
    .flat();
}

/**
 * Files, keys and certificates seen while loading one config, each read and parsed once: a
 * vendor's 100,000 orgs usually share one app key, and parsing an RSA key costs about a
 * millisecond. Orgs that share a key share its KeyStatus (and so its KeyObject).
 */
class LoadCache {
  private readonly files = new Map<string, string | { code: string }>();
  private readonly keys = new Map<string, KeyStatus>();
  private readonly certificates = new Map<string, Map<KeyStatus, CertificateStatus>>();

  constructor(private readonly dir: string) {}

  /** The text of a file relative to the config, or the error code reading it gave. */
  read(file: string): string | { code: string } {
    const path = resolve(this.dir, file);
    let text = this.files.get(path);
    if (text === undefined) {
      try {
        text = readFileSync(path, "utf8");
      } catch (err) {
        text = { code: (err as NodeJS.ErrnoException).code ?? "unreadable" };
      }
      this.files.set(path, text);
    }
    return text;
  }

  key(text: string): KeyStatus {
    let status = this.keys.get(text);
    if (status === undefined) {
      status = checkPrivateKey(text);
      this.keys.set(text, status);
    }
    return status;
  }

  certificate(text: string, key: KeyStatus): CertificateStatus {
    let byKey = this.certificates.get(text);
    if (byKey === undefined) {
      byKey = new Map();
      this.certificates.set(text, byKey);
    }
    let status = byKey.get(key);
    if (status === undefined) {
      status = checkCertificate(text, key);
      byKey.set(key, status);
    }
    return status;
  }
}

function loadKey(entry: OrgEntry, cache: LoadCache): KeyStatus {
  if (entry.privateKey !== undefined) return cache.key(entry.privateKey);
  const text = cache.read(entry.privateKeyFile ?? "");
  if (typeof text === "string") return cache.key(text);
  return {
    ok: false,
    problem: `cannot be read (${text.code}); check the path, relative to the config file`,
  };
}

function resolveOrg(
  entry: OrgEntry,
  index: number,
  top: TopConfig,
  cache: LoadCache,
  problems: ConfigProblem[],
): OrgTarget {
  const d = top.defaults;
  const keyField = entry.privateKey !== undefined ? "privateKey" : "privateKeyFile";
  const key = loadKey(entry, cache);
  if (!key.ok) {
    problems.push({
      path: formatPath(["orgs", index, keyField]),
      message: `${key.problem} (org ${entry.id} stays configured and reports key_invalid)`,
      effect: "key",
    });
  }
  let certificate: OrgTarget["certificate"] = null;
  if (entry.certificateFile !== undefined) {
    const text = cache.read(entry.certificateFile);
    certificate =
      typeof text === "string"
        ? cache.certificate(text, key)
        : { ok: false, problem: `cannot be read (${text.code})` };
    if (!certificate.ok) {
      problems.push({
        path: formatPath(["orgs", index, "certificateFile"]),
        message: `${certificate.problem}; expiry warnings are off for ${entry.id}`,
        effect: "warning",
      });
    } else if (certificate.matchesKey === false) {
      problems.push({
        path: formatPath(["orgs", index, "certificateFile"]),
        message: `does not belong to the private key; Salesforce will answer "invalid assertion" if this is the certificate uploaded to the app`,
        effect: "warning",
      });
    }
  }
  const host = new URL(entry.loginUrl).hostname;
  return {
    id: entry.id,
    name: entry.name ?? entry.id,
    loginUrl: entry.loginUrl,
    tokenUrl: `${entry.loginUrl}/services/oauth2/token`,
    audience: entry.audience ?? deriveAudience(entry.loginUrl),
    audienceDerived: entry.audience === undefined,
    sandbox: isSandboxHost(host),
    myDomainUrl: myDomainOf(entry.loginUrl),
    clientId: entry.clientId,
    username: entry.username,
    key,
    certificate,
    interval: entry.interval ?? d.interval,
    timeout: entry.timeout ?? d.timeout,
    apiVersion: entry.apiVersion ?? d.apiVersion,
    checks: entry.checks ?? d.checks,
    loginBudgetPerHour: entry.loginBudgetPerHour ?? d.loginBudgetPerHour,
    failureThreshold: entry.failureThreshold ?? d.failureThreshold,
    successThreshold: entry.successThreshold ?? d.successThreshold,
    apiFloorPercent: entry.apiFloorPercent ?? d.apiFloorPercent,
    maxBackoff: entry.maxBackoff ?? d.maxBackoff,
    tags: entry.tags,
    createdAt: entry.createdAt ?? null,
    appId: entry.appId ?? null,
    appOrgId: entry.appOrgId ?? null,
    permissionSet: entry.permissionSet ?? null,
  };
}

/**
 * Validates a parsed config tree. Every problem is reported at once; a broken org entry is
 * skipped and the others still load; only a broken top level is fatal.
 */
export function loadConfigTree(
  raw: unknown,
  options: { file: string; env: Readonly<Record<string, string | undefined>> },
): LoadedConfig {
  const file = resolve(options.file);
  const dir = dirname(file);
  const problems: ConfigProblem[] = [];
  const { value, missing } = expandEnv(raw ?? {}, options.env);
  const badOrgs = new Set<number>();
  const badEntries = new Set<string>();
  for (const m of missing) {
    const list = m.path[0];
    const inEntry = typeof m.path[1] === "number" && (list === "orgs" || list === "notifiers");
    if (inEntry) {
      if (list === "orgs") badOrgs.add(m.path[1] as number);
      badEntries.add(`${list}[${String(m.path[1])}]`);
    }
    problems.push({
      path: formatPath(m.path),
      message: missingMessage(m).split(": ").slice(1).join(": "),
      effect: inEntry ? "skipped" : "fatal",
    });
  }
  const parsed = topSchema.safeParse(value);
  if (!parsed.success) {
    for (const p of issueMessages(parsed.error, [])) problems.push({ ...p, effect: "fatal" });
    // A top-level mistake must not hide the org entries' own: check their shape too.
    const rawOrgs = (value as { orgs?: unknown }).orgs;
    if (Array.isArray(rawOrgs)) {
      rawOrgs.forEach((raw: unknown, index) => {
        const entry = orgSchema.safeParse(raw);
        if (entry.success) return;
        for (const p of issueMessages(entry.error, ["orgs", index])) {
          problems.push({ ...p, effect: "skipped" });
        }
      });
    }
    const empty = topSchema.parse({});
    const alerting = { notifiers: [], routes: [], silences: [], policy: empty.alerting };
    return { file, dir, top: empty, alerting, orgs: [], problems, entries: 0 };
  }
  const { orgs: rawOrgs, notifiers, routes, silences, ...top } = parsed.data;
  const alerting = loadAlerting(
    { notifiers, routes, silences },
    top.alerting,
    badEntries,
    problems,
  );
  const orgs: OrgTarget[] = [];
  const seen = new Map<string, number>();
  const cache = new LoadCache(dir);
  rawOrgs.forEach((rawOrg, index) => {
    const result = orgSchema.safeParse(rawOrg);
    const entryProblems = result.success ? [] : issueMessages(result.error, ["orgs", index]);
    if (
      result.success &&
      result.data.privateKey === undefined &&
      result.data.privateKeyFile === undefined
    ) {
      entryProblems.push({
        path: formatPath(["orgs", index, "privateKeyFile"]),
        message:
          "is required: give privateKeyFile (a path) or privateKey (PEM or base64 PEM, e.g. ${ACME_KEY})",
      });
    }
    if (
      result.success &&
      result.data.privateKey !== undefined &&
      result.data.privateKeyFile !== undefined
    ) {
      entryProblems.push({
        path: formatPath(["orgs", index, "privateKey"]),
        message: "give privateKey or privateKeyFile, not both",
      });
    }
    if (result.success) {
      const earlier = seen.get(result.data.id);
      if (earlier !== undefined) {
        entryProblems.push({
          path: formatPath(["orgs", index, "id"]),
          message: `"${result.data.id}" is already used by orgs[${earlier}]; ids must be unique`,
        });
      }
    }
    for (const p of entryProblems) problems.push({ ...p, effect: "skipped" });
    if (!result.success || entryProblems.length > 0 || badOrgs.has(index)) return;
    seen.set(result.data.id, index);
    orgs.push(resolveOrg(result.data, index, parsed.data, cache, problems));
  });
  return { file, dir, top, alerting, orgs, problems, entries: rawOrgs.length };
}

/** Reads and validates a config file. Throws only when the file itself cannot be read or parsed. */
export function loadConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new OrgwatchError(
      "CONFIG_UNREADABLE",
      `cannot read config ${file} (${(err as NodeJS.ErrnoException).code ?? "error"}); check the --config path`,
    );
  }
  if (file.endsWith(".json")) {
    // The same schema as JSON, for generated configs: JSON.parse is the fastest tree there is.
    let tree: unknown;
    try {
      tree = JSON.parse(text);
    } catch (err) {
      throw new OrgwatchError(
        "CONFIG_INVALID",
        `${file} is not valid JSON: ${err instanceof Error ? err.message : "parse error"}`,
      );
    }
    return loadConfigTree(tree, { file, env });
  }
  return loadConfigTree(parseYamlConfig(file, text), { file, env });
}

/** One line that says how many orgs can be checked. */
export function summarize(config: LoadedConfig): string {
  const keyBad = config.orgs.filter((o) => !o.key.ok).length;
  const skipped = config.entries - config.orgs.length;
  const parts = [`${config.orgs.length - keyBad} of ${config.entries} orgs usable`];
  if (keyBad > 0) parts.push(`${keyBad} with an unusable key (reported as key_invalid)`);
  if (skipped > 0) parts.push(`${skipped} skipped`);
  return parts.join(", ");
}
