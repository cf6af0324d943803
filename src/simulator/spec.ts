import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseDuration } from "../platform/duration.js";
import { OrgwatchError } from "../platform/errors.js";
import { SCENARIOS } from "./scenario-list.js";
import { OVERRIDABLE_TOKEN_ERRORS } from "./wire.js";

const durationMs = z.union([z.number().int().min(0), z.string()]).transform((v, ctx) => {
  if (typeof v === "number") return v;
  const ms = parseDuration(v);
  if (ms === null) {
    ctx.issues.push({
      code: "custom",
      input: v,
      message: `"${v}" is not a duration like 2h or 90s`,
    });
    return z.NEVER;
  }
  return ms;
});
const isoTime = z.iso.datetime({ offset: true });
const version = z.string().regex(/^\d{2,3}\.0$/, "must be a version like 65.0");
const cidr = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "must be an IPv4 CIDR like 203.0.113.0/24");

/** Fault kinds an org (or one endpoint of it) can be switched to. */
export const FAULT_KINDS = [
  "none",
  "html503",
  "hang",
  "slow",
  "truncated",
  "nonjson",
  "no_access_token",
  "redirect_login",
  "reset",
  "proxy403",
  "cdn503",
  "busy503",
  "unresolvable_instance",
] as const;

/** Endpoint groups a fault can target; `all` covers every endpoint. */
export const FAULT_ENDPOINTS = [
  "all",
  "token",
  "versions",
  "identity",
  "limits",
  "query",
  "bulk",
  "soap",
] as const;

/** A switchable fault: `slow` waits delayMs then answers normally. */
export const faultSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  delayMs: z.number().int().min(0).optional(),
});

/** Per-user state. */
export const userSchema = z.strictObject({
  username: z.string().min(1),
  active: z.boolean().default(true),
  frozen: z.boolean().default(false),
  apiEnabled: z.boolean().default(true),
  permissionSets: z.array(z.string()).default(["Integration"]),
  /** When the user self-approved the app (Permitted Users = all users); null = never. */
  approvedAt: isoTime.nullable().default(null),
  /** sObjects hidden from this user (SOQL on them gives INVALID_TYPE). */
  deniedObjects: z.array(z.string()).default([]),
});

const refreshTokenPolicy = z.union([
  z.literal("until_revoked"),
  z.strictObject({ expireAfter: durationMs }),
]);

/** The external client app as installed in one org (its policies are per org). */
export const appPolicySchema = z.strictObject({
  installed: z.boolean().default(true),
  deleted: z.boolean().default(false),
  /** When the app (or its last policy change) was created; null = long before the simulator started. */
  createdAt: isoTime.nullable().default(null),
  /** Propagation window; null = deterministic 2-10 min from the org id. */
  propagation: durationMs.nullable().default(null),
  permittedUsers: z.enum(["admin_approved", "all_users"]).default("admin_approved"),
  preauthorizedPermissionSets: z.array(z.string()).default(["Integration"]),
  refreshTokenPolicy: refreshTokenPolicy.default("until_revoked"),
  ipRelaxation: z.enum(["enforce", "relax"]).default("enforce"),
  jwtAccessTokens: z.boolean().default(false),
  scopes: z.array(z.string()).default(["api", "refresh_token", "offline_access"]),
});

const oauthBody = z.strictObject({ error: z.string(), error_description: z.string() });

/** One org. Only id, myDomain, sandbox, app, users and scenario are the shared contract. */
export const orgSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]{1,64}$/, "must be 1-64 characters of a-z, 0-9, _ or -"),
  myDomain: z.string().regex(/^[a-z0-9-]+$/, "must be a My Domain name like acme or acme--dev"),
  sandbox: z.boolean().default(false),
  sandboxName: z
    .string()
    .regex(/^[a-z0-9]+$/)
    .default("dev"),
  app: z.string().min(1),
  users: z.array(userSchema).min(1),
  scenario: z.enum(SCENARIOS).default("healthy"),
  /**
   * The kind of the app (errors.md D.1, D.2): a Connected App takes aud = login/test and answers
   * "audience is invalid" to the My Domain; an External Client App (Spring '26) answers
   * app_not_found when the token host or aud is login/test.salesforce.com.
   */
  appKind: z.enum(["connected_app", "external_client_app"]).default("connected_app"),
  name: z.string().optional(),
  edition: z.string().default("Enterprise Edition"),
  active: z.boolean().default(true),
  devHub: z.boolean().default(false),
  /** Versions below this one are retired: REST 410, SOAP UNSUPPORTED_API_VERSION (D.11). */
  minApiVersion: version.default("31.0"),
  maxApiVersion: version.default("65.0"),
  /** Versions below this one are deprecated: answers carry a `Warning` header (D.11). */
  deprecatedBelow: version.default("41.0"),
  /** false: the edition has no API access (API_DISABLED_FOR_ORG) whatever the user holds. */
  apiEnabled: z.boolean().default(true),
  /**
   * Which token-based APIs accept JWT-format access tokens (errors.md D.9, contested for Bulk):
   * the others answer 401 INVALID_JWT_FORMAT. SOAP decides by version (v68.0 and later accept).
   */
  jwtAcceptedBy: z.array(z.enum(["rest", "bulk"])).default(["rest"]),
  apiMax: z.number().int().min(0).default(15000),
  apiUsed: z.number().int().min(0).default(0),
  loginRateLimit: z.number().int().min(0).default(3600),
  sessionTimeout: durationMs.default(7_200_000),
  /** Accepted `aud` values: login, test, mydomain, self (the URL the client addressed) or URLs. */
  audiences: z.array(z.string()).optional(),
  /** How far the server clock runs ahead of the simulated clock (negative: behind). */
  clockOffsetMs: z.number().int().default(0),
  loginIpRanges: z.array(cidr).default([]),
  appPolicy: appPolicySchema.prefault({}),
  tokenErrors: z.partialRecord(z.enum(OVERRIDABLE_TOKEN_ERRORS), oauthBody).default({}),
  faults: z.partialRecord(z.enum(FAULT_ENDPOINTS), faultSchema).default({}),
});

const appSchema = z.strictObject({
  clientId: z.string().min(1),
  certificateFile: z.string().optional(),
  certificate: z.string().optional(),
});

/** The whole SIMFILE. */
export const specSchema = z.strictObject({
  apps: z.array(appSchema).min(1),
  orgs: z.array(orgSchema).min(1),
});

/** A SIMFILE as written (YAML or object): what `startSimulator({ spec })` takes. */
export type SimSpecInput = z.input<typeof specSchema>;
/** One org after defaults. */
export type OrgSpec = z.output<typeof orgSchema>;
/** One user after defaults. */
export type UserSpec = z.output<typeof userSchema>;
/** App policy after defaults. */
export type AppPolicy = z.output<typeof appPolicySchema>;
/** A fault after validation. */
export type Fault = z.output<typeof faultSchema>;
/** A fault target. */
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];

/** A validated SIMFILE whose certificates are loaded. */
export interface SimSpec {
  apps: { clientId: string; certificatePem: string }[];
  orgs: OrgSpec[];
}

/** Formats a zod issue path the way YAML people read it: `orgs[2].app`. */
export function yamlPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

/** Validates a SIMFILE tree; certificate files are read relative to baseDir. */
export function validateSpec(tree: unknown, baseDir: string, source = "simfile"): SimSpec {
  const parsed = specSchema.safeParse(tree);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${yamlPath(i.path) || "(root)"}: ${i.message}`);
    throw new OrgwatchError("SIMFILE_INVALID", `${source}: invalid\n${lines.join("\n")}`);
  }
  const problems: string[] = [];
  const apps = parsed.data.apps.map((app, i) => ({
    clientId: app.clientId,
    certificatePem: loadCertificate(app, baseDir, `apps[${i}]`, problems),
  }));
  const known = new Set(apps.map((a) => a.clientId));
  const ids = new Set<string>();
  parsed.data.orgs.forEach((org, i) => {
    if (!known.has(org.app)) problems.push(`orgs[${i}].app: no app with clientId "${org.app}"`);
    if (ids.has(org.id)) problems.push(`orgs[${i}].id: duplicate org id "${org.id}"`);
    ids.add(org.id);
  });
  if (problems.length > 0) {
    throw new OrgwatchError("SIMFILE_INVALID", `${source}: invalid\n${problems.join("\n")}`);
  }
  return { apps, orgs: parsed.data.orgs };
}

function loadCertificate(
  app: { certificate?: string | undefined; certificateFile?: string | undefined },
  baseDir: string,
  path: string,
  problems: string[],
): string {
  if (app.certificate !== undefined)
    return checkPem(app.certificate, `${path}.certificate`, problems);
  if (app.certificateFile === undefined) {
    problems.push(`${path}: give certificate (inline PEM) or certificateFile`);
    return "";
  }
  try {
    return checkPem(
      readFileSync(resolve(baseDir, app.certificateFile), "utf8"),
      `${path}.certificateFile`,
      problems,
    );
  } catch {
    problems.push(`${path}.certificateFile: cannot read ${app.certificateFile}`);
    return "";
  }
}

function checkPem(pem: string, path: string, problems: string[]): string {
  try {
    new X509Certificate(pem);
  } catch {
    problems.push(`${path}: not an X.509 PEM certificate`);
  }
  return pem;
}

/** Reads and validates a SIMFILE (YAML). */
export function loadSimfile(file: string): SimSpec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new OrgwatchError("SIMFILE_INVALID", `${file}: cannot read the SIMFILE`, { cause: err });
  }
  let tree: unknown;
  try {
    tree = parseYaml(text);
  } catch (err) {
    throw new OrgwatchError("SIMFILE_INVALID", `${file}: not valid YAML`, { cause: err });
  }
  return validateSpec(tree, dirname(resolve(file)), file);
}
