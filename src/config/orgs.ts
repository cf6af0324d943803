import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  checkCertificate,
  checkPrivateKey,
  type CertificateStatus,
  type KeyStatus,
} from "./keys.js";
import { formatPath } from "./paths.js";
import { issueMessages, type ConfigProblem } from "./problems.js";
import { orgSchema, type OrgEntry, type TopConfig } from "./schema.js";
import { deriveAudience, isSandboxHost, myDomainOf, type OrgTarget } from "./target.js";

/**
 * Files, keys and certificates seen while loading one config, each read and parsed once: a
 * vendor's 100,000 orgs usually share one app key, and parsing an RSA key costs about a
 * millisecond. Orgs that share a key share its KeyStatus (and so its KeyObject).
 */
export class LoadCache {
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

  /** A key's status, parsed once per distinct text. */
  key(text: string): KeyStatus {
    let status = this.keys.get(text);
    if (status === undefined) {
      status = checkPrivateKey(text);
      this.keys.set(text, status);
    }
    return status;
  }

  /** A certificate's status against a key, checked once per pair. */
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

/** Where an org list comes from: the main config or one included file. */
export interface OrgSource {
  /** Relative to the main config; absent for the main file. */
  file?: string;
  entries: readonly unknown[];
  /** Entries already broken elsewhere (a missing `${VAR}`). */
  bad: ReadonlySet<number>;
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

/** The entry's own problems beyond its schema: a key given twice or not at all. */
function keyFieldProblems(entry: OrgEntry, index: number): { path: string; message: string }[] {
  if (entry.privateKey === undefined && entry.privateKeyFile === undefined) {
    return [
      {
        path: formatPath(["orgs", index, "privateKeyFile"]),
        message:
          "is required: give privateKeyFile (a path) or privateKey (PEM or base64 PEM, e.g. ${ACME_KEY})",
      },
    ];
  }
  if (entry.privateKey !== undefined && entry.privateKeyFile !== undefined) {
    return [
      {
        path: formatPath(["orgs", index, "privateKey"]),
        message: "give privateKey or privateKeyFile, not both",
      },
    ];
  }
  return [];
}

/**
 * Checks org entries one by one across the main file and every included one: a broken entry is
 * reported (with its file and YAML path) and skipped, the others load; ids are unique across
 * all files, and a duplicate names the file that has it first.
 */
export class OrgCollector {
  readonly orgs: OrgTarget[] = [];
  entries = 0;
  private readonly seen = new Map<string, { file: string | undefined; index: number }>();

  constructor(
    private readonly top: TopConfig,
    private readonly cache: LoadCache,
    private readonly problems: ConfigProblem[],
    /** How the main file is named in a message about another file (its base name). */
    private readonly mainName: string,
  ) {}

  /** Validates and resolves every entry of one source. */
  add(source: OrgSource): void {
    const at = source.file === undefined ? {} : { file: source.file };
    this.entries += source.entries.length;
    source.entries.forEach((raw, index) => {
      const result = orgSchema.safeParse(raw);
      if (!result.success) {
        for (const p of issueMessages(result.error, ["orgs", index]))
          this.problems.push({ ...at, ...p, effect: "skipped" });
        return;
      }
      const entryProblems = keyFieldProblems(result.data, index);
      const earlier = this.seen.get(result.data.id);
      if (earlier !== undefined) {
        const where =
          earlier.file === source.file
            ? `orgs[${String(earlier.index)}]`
            : `orgs[${String(earlier.index)}] in ${earlier.file ?? this.mainName}`;
        entryProblems.push({
          path: formatPath(["orgs", index, "id"]),
          message: `"${result.data.id}" is already used by ${where}; ids must be unique`,
        });
      }
      for (const p of entryProblems) this.problems.push({ ...at, ...p, effect: "skipped" });
      if (entryProblems.length > 0 || source.bad.has(index)) return;
      this.seen.set(result.data.id, { file: source.file, index });
      this.orgs.push(this.resolve(result.data, index, at));
    });
  }

  private resolve(entry: OrgEntry, index: number, at: { file?: string }): OrgTarget {
    const d = this.top.defaults;
    const keyField = entry.privateKey !== undefined ? "privateKey" : "privateKeyFile";
    const key = loadKey(entry, this.cache);
    if (!key.ok) {
      this.problems.push({
        ...at,
        path: formatPath(["orgs", index, keyField]),
        message: `${key.problem} (org ${entry.id} stays configured and reports key_invalid)`,
        effect: "key",
      });
    }
    const certificate = this.certificateOf(entry, key, index, at);
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

  private certificateOf(
    entry: OrgEntry,
    key: KeyStatus,
    index: number,
    at: { file?: string },
  ): OrgTarget["certificate"] {
    if (entry.certificateFile === undefined) return null;
    const text = this.cache.read(entry.certificateFile);
    const certificate =
      typeof text === "string"
        ? this.cache.certificate(text, key)
        : { ok: false as const, problem: `cannot be read (${text.code})` };
    const path = formatPath(["orgs", index, "certificateFile"]);
    if (!certificate.ok) {
      this.problems.push({
        ...at,
        path,
        message: `${certificate.problem}; expiry warnings are off for ${entry.id}`,
        effect: "warning",
      });
    } else if (certificate.matchesKey === false) {
      this.problems.push({
        ...at,
        path,
        message: `does not belong to the private key; Salesforce will answer "invalid assertion" if this is the certificate uploaded to the app`,
        effect: "warning",
      });
    }
    return certificate;
  }
}
