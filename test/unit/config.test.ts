import { generateKeyPairSync } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig, loadConfigTree, type LoadedConfig } from "../../src/config/load.js";
import { main } from "../../src/cli.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { tempDir } from "../helpers/tmp.js";
import { maxInFlight } from "../../src/commands/run-redis.js";

let id: GeneratedIdentity;
let tmp: ReturnType<typeof tempDir>;
let ecPem: string;
let smallRsaPem: string;

beforeAll(() => {
  id = generateIdentity();
  tmp = tempDir();
  writeFileSync(join(tmp.dir, "good.key"), id.privateKeyPem);
  writeFileSync(join(tmp.dir, "good.crt"), id.certificatePem);
  ecPem = generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  smallRsaPem = generateKeyPairSync("rsa", { modulusLength: 1024 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  writeFileSync(join(tmp.dir, "ec.key"), ecPem);
  writeFileSync(join(tmp.dir, "small.key"), smallRsaPem);
  writeFileSync(join(tmp.dir, "garbage.key"), "this is not a key at all\n");
});
afterAll(() => tmp.cleanup());

function org(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "acme-prod",
    loginUrl: "https://acme.my.salesforce.com",
    clientId: "3MVG9demo",
    username: "integration@acme.com",
    privateKeyFile: "./good.key",
    ...overrides,
  };
}

function load(tree: unknown, env: Record<string, string> = {}): LoadedConfig {
  return loadConfigTree(tree, { file: join(tmp.dir, "orgwatch.yaml"), env });
}

function messages(config: LoadedConfig): string[] {
  return config.problems.map((p) => `${p.path}: ${p.message}`);
}

describe("config schema errors carry their YAML path and a fix", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "loginUrl not a URL",
      { loginUrl: "acme.my.salesforce.com" },
      'orgs[0].loginUrl: "acme.my.salesforce.com" is not a URL; write https://acme.my.salesforce.com',
    ],
    ["bad id", { id: "Acme Prod" }, "orgs[0].id: must be 1-64 characters of a-z, 0-9, _ or -"],
    [
      "missing clientId",
      { clientId: undefined },
      "orgs[0].clientId: is required: the app's Consumer Key",
    ],
    [
      "missing username",
      { username: undefined },
      "orgs[0].username: is required: the integration user's Salesforce username",
    ],
    [
      "bad interval",
      { interval: "5 minutes" },
      'orgs[0].interval: "5 minutes" is not a duration; write it like 30s, 5m or 1h',
    ],
    ["bad apiVersion", { apiVersion: 65 }, "orgs[0].apiVersion:"],
    [
      "unknown check",
      { checks: ["token", "soap"] },
      "orgs[0].checks[1]: must be one of token, identity, rest, limits, bulk, metadata",
    ],
    ["checks without token", { checks: ["rest"] }, "orgs[0].checks: include token"],
    [
      "budget too high",
      { loginBudgetPerHour: 5000 },
      "orgs[0].loginBudgetPerHour: must be at most 3600",
    ],
    [
      "unknown field",
      { loginurl: "x" },
      "orgs[0].loginurl: unknown field; remove it or check its spelling",
    ],
    [
      "no key at all",
      { privateKeyFile: undefined },
      "orgs[0].privateKeyFile: is required: give privateKeyFile",
    ],
    [
      "both keys",
      { privateKey: "x" },
      "orgs[0].privateKey: give privateKey or privateKeyFile, not both",
    ],
    [
      "bad audience",
      { audience: "login.salesforce.com" },
      'orgs[0].audience: "login.salesforce.com" is not a URL; write https://login.salesforce.com',
    ],
    ["bad appId", { appId: "abc" }, "orgs[0].appId: must be the app's 0Ci... id"],
  ];
  for (const [name, overrides, expected] of cases) {
    it(name, () => {
      const config = load({ orgs: [org(overrides)] });
      expect(config.orgs).toHaveLength(0);
      expect(messages(config).some((m) => m.startsWith(expected))).toBe(true);
      expect(config.problems.every((p) => p.effect === "skipped")).toBe(true);
    });
  }

  it("reports every problem at once", () => {
    const config = load({ orgs: [org({ loginUrl: "nope", username: undefined, interval: "x" })] });
    expect(config.problems.map((p) => p.path).sort()).toEqual([
      "orgs[0].interval",
      "orgs[0].loginUrl",
      "orgs[0].username",
    ]);
  });

  it("rejects duplicate ids", () => {
    const config = load({ orgs: [org(), org()] });
    expect(config.orgs).toHaveLength(1);
    expect(messages(config)).toContain(
      'orgs[1].id: "acme-prod" is already used by orgs[0]; ids must be unique',
    );
  });

  it("top-level errors are fatal and name their path", () => {
    const config = load({
      server: { listen: "9464" },
      scheduler: { kind: "kafka" },
      defaults: { interval: "soon" },
      storage: { sqlite: "./x.db", retention: { raw: "2 weeks" } },
      bogus: 1,
    });
    const paths = config.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "server.listen",
        "scheduler.kind",
        "defaults.interval",
        "storage.retention.raw",
        "bogus",
      ]),
    );
    expect(config.problems.every((p) => p.effect === "fatal")).toBe(true);
    expect(messages(config)).toContain('server.listen: must be host:port, e.g. "127.0.0.1:9464"');
  });

  it("redis scheduler needs a redis URL", () => {
    const config = load({ scheduler: { kind: "redis", redisUrl: "localhost:6379" } });
    expect(messages(config)).toContain("scheduler.redisUrl: must be a redis:// or rediss:// URL");
  });
});

describe("defaults and derivation", () => {
  it("applies defaults and per-org overrides", () => {
    const config = load({
      defaults: { interval: "10m" },
      orgs: [org(), org({ id: "b", interval: "1m" })],
    });
    expect(config.problems).toEqual([]);
    expect(config.orgs.map((o) => o.interval)).toEqual([600_000, 60_000]);
    const first = config.orgs[0];
    expect(first?.timeout).toBe(10_000);
    expect(first?.loginBudgetPerHour).toBe(36);
    expect(first?.checks).toEqual(["token", "identity", "rest", "limits", "bulk", "metadata"]);
    expect(config.top.storage.retention.raw).toBe(14 * 86_400_000);
    expect(config.top.scheduler).toEqual({ kind: "inprocess", concurrency: 32 });
  });

  it("derives the audience from the login URL", () => {
    const config = load({
      orgs: [
        org({ id: "prod" }),
        org({ id: "sbx", loginUrl: "https://acme--dev.sandbox.my.salesforce.com" }),
        org({ id: "legacy", loginUrl: "https://acme--dev.my.salesforce.com/" }),
        org({ id: "test", loginUrl: "https://test.salesforce.com" }),
        org({ id: "explicit", audience: "https://acme.my.salesforce.com/" }),
      ],
    });
    const aud = Object.fromEntries(
      config.orgs.map((o) => [o.id, [o.audience, o.sandbox, o.myDomainUrl]]),
    );
    expect(aud).toEqual({
      prod: ["https://login.salesforce.com", false, "https://acme.my.salesforce.com"],
      sbx: ["https://test.salesforce.com", true, "https://acme--dev.sandbox.my.salesforce.com"],
      legacy: ["https://test.salesforce.com", true, "https://acme--dev.my.salesforce.com"],
      test: ["https://test.salesforce.com", true, null],
      explicit: ["https://acme.my.salesforce.com", false, "https://acme.my.salesforce.com"],
    });
    expect(config.orgs[0]?.tokenUrl).toBe("https://acme.my.salesforce.com/services/oauth2/token");
  });
});

describe("environment variables", () => {
  it("expands ${VAR} and names a missing one", () => {
    const config = load(
      {
        server: { apiToken: "${ORGWATCH_API_TOKEN}" },
        orgs: [org({ username: "${SF_USER}" }), org({ id: "b" })],
      },
      { ORGWATCH_API_TOKEN: "0123456789abcdef0123" },
    );
    expect(config.top.server.apiToken).toBe("0123456789abcdef0123");
    expect(config.orgs.map((o) => o.id)).toEqual(["b"]);
    expect(messages(config)).toContain(
      "orgs[0].username: environment variable SF_USER is not set; export SF_USER=... before starting orgwatch",
    );
  });

  it("a missing variable at the top level is fatal", () => {
    const config = load({ scheduler: { kind: "redis", redisUrl: "${REDIS_URL}" } });
    expect(config.problems[0]).toMatchObject({ path: "scheduler.redisUrl", effect: "fatal" });
    expect(config.problems[0]?.message).toContain("REDIS_URL is not set");
  });
});

describe("keys", () => {
  it("accepts a PEM file, inline PEM and base64 of a PEM", () => {
    const config = load(
      {
        orgs: [
          org({ id: "file", certificateFile: "./good.crt" }),
          org({ id: "inline", privateKeyFile: undefined, privateKey: "${KEY_PEM}" }),
          org({ id: "b64", privateKeyFile: undefined, privateKey: "${KEY_B64}" }),
        ],
      },
      { KEY_PEM: id.privateKeyPem, KEY_B64: Buffer.from(id.privateKeyPem).toString("base64") },
    );
    expect(config.problems).toEqual([]);
    expect(config.orgs.map((o) => o.key.ok)).toEqual([true, true, true]);
    const cert = config.orgs[0]?.certificate;
    expect(cert?.ok && cert.matchesKey).toBe(true);
  });

  const bad: [string, string, RegExp][] = [
    ["an EC key", "./ec.key", /is an EC \(ECDSA\) key; Salesforce accepts only RSA/],
    [
      "a 1024-bit RSA key",
      "./small.key",
      /is an RSA key of 1024 bits; Salesforce needs at least 2048/,
    ],
    ["garbage", "./garbage.key", /is not a PEM private key/],
    ["a missing file", "./nope.key", /cannot be read \(ENOENT\)/],
    ["a certificate instead of a key", "./good.crt", /holds a certificate, not a private key/],
  ];
  for (const [name, file, pattern] of bad) {
    it(`rejects ${name} with its own message and keeps the org as key_invalid`, () => {
      const config = load({ orgs: [org({ privateKeyFile: file }), org({ id: "ok" })] });
      expect(config.orgs.map((o) => [o.id, o.key.ok])).toEqual([
        ["acme-prod", false],
        ["ok", true],
      ]);
      const problem = config.problems.find((p) => p.path === "orgs[0].privateKeyFile");
      expect(problem?.effect).toBe("key");
      expect(problem?.message).toMatch(pattern);
    });
  }

  it("warns when the certificate does not belong to the key", () => {
    const other = generateIdentity();
    writeFileSync(join(tmp.dir, "other.crt"), other.certificatePem);
    const config = load({ orgs: [org({ certificateFile: "./other.crt" })] });
    expect(config.orgs).toHaveLength(1);
    expect(config.problems[0]).toMatchObject({
      path: "orgs[0].certificateFile",
      effect: "warning",
    });
    expect(config.problems[0]?.message).toMatch(/does not belong to the private key/);
  });

  it("one broken org among valid ones leaves the valid ones loaded", () => {
    const config = load({
      orgs: [org({ id: "a" }), org({ id: "b", loginUrl: "nope" }), org({ id: "c" }), "junk"],
    });
    expect(config.orgs.map((o) => o.id)).toEqual(["a", "c"]);
    expect(config.entries).toBe(4);
  });

  it("never prints key material, whatever goes wrong", () => {
    const b64 = Buffer.from(id.privateKeyPem).toString("base64");
    const config = load({
      orgs: [
        org({ id: "a", privateKeyFile: undefined, privateKey: ecPem }),
        org({ id: "b", privateKeyFile: undefined, privateKey: smallRsaPem }),
        org({ id: "c", privateKeyFile: undefined, privateKey: id.privateKeyPem.slice(0, 300) }),
        org({ id: "d", privateKeyFile: undefined, privateKey: b64, loginUrl: "bad" }),
        org({ id: "e", privateKeyFile: undefined, privateKey: id.privateKeyPem }),
      ],
    });
    const text = JSON.stringify(config) + messages(config).join("\n");
    const body = (pem: string) => pem.split("\n")[1] ?? "";
    for (const secret of [
      body(ecPem),
      body(smallRsaPem),
      body(id.privateKeyPem),
      b64.slice(0, 40),
    ]) {
      expect(secret.length).toBeGreaterThan(20);
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("<secret>");
  });
});

describe("orgwatch config check", () => {
  async function run(file: string, env: Record<string, string> = {}) {
    let out = "";
    let err = "";
    const code = await main(["node", "orgwatch", "config", "check", "--config", file], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env,
    });
    return { code, out, err };
  }

  it("accepts the shipped example", async () => {
    const r = await run("config/orgwatch.example.yaml");
    expect(r).toMatchObject({ code: 0, err: "" });
  });

  it("accepts the example's org entries once uncommented and given keys", () => {
    const text = readFileSync("config/orgwatch.example.yaml", "utf8")
      .replace(/^# {2}/gm, "  ")
      .replace(/^#$/gm, "");
    const file = join(tmp.dir, "example.yaml");
    writeFileSync(
      file,
      text.replace(/\.\/secrets\/acme\.(key|crt)/g, (_m, ext: string) => `./good.${ext}`),
    );
    const config = loadConfig(file, {
      ACME_KEY_B64: Buffer.from(id.privateKeyPem).toString("base64"),
    });
    expect(messages(config)).toEqual([]);
    expect(config.orgs.map((o) => o.id)).toEqual(["acme-prod", "acme-dev"]);
  });

  it("accepts the scale-out example once given a key, with its redis scheduler", () => {
    const text = readFileSync("config/orgwatch.scaleout.example.yaml", "utf8");
    const file = join(tmp.dir, "scaleout.yaml");
    writeFileSync(file, text.replace("./keys/acme.key", "./good.key"));
    const config = loadConfig(file, {});
    expect(messages(config)).toEqual([]);
    expect(config.top.scheduler).toEqual({
      kind: "redis",
      redisUrl: "redis://127.0.0.1:6379",
      prefix: "orgwatch",
      concurrency: 32,
      maxInFlight: 128,
      leaseTtl: 10_000,
      stalledAfter: 30_000,
    });
  });

  it("redis: maxInFlight defaults to four times the concurrency and must be a whole number", () => {
    const redis = { kind: "redis", redisUrl: "redis://127.0.0.1:6379", concurrency: 8 };
    const plain = load({ scheduler: redis });
    expect(plain.top.scheduler.kind === "redis" && maxInFlight(plain.top.scheduler)).toBe(32);
    const set = load({ scheduler: { ...redis, maxInFlight: 500 } });
    expect(set.top.scheduler.kind === "redis" && maxInFlight(set.top.scheduler)).toBe(500);
    const bad = load({ scheduler: { ...redis, maxInFlight: 0.5 } });
    expect(messages(bad).join("\n")).toMatch(/^scheduler\.maxInFlight: /m);
  });

  it("a redis prefix with a space or a colon is refused with its path", () => {
    const config = load({
      scheduler: { kind: "redis", redisUrl: "redis://127.0.0.1:6379", prefix: "a b:c" },
    });
    expect(messages(config)).toContain("scheduler.prefix: must be 1-64 letters, digits, _ . or -");
  });

  it("accepts the example's notifiers, routes and silences once uncommented", () => {
    const text = readFileSync("config/orgwatch.example.yaml", "utf8")
      .replace(/^(notifiers|routes|silences): \[\]$/gm, "$1:")
      .replace(/^# - /gm, "  - ");
    const file = join(tmp.dir, "example-alerting.yaml");
    writeFileSync(file, text);
    const config = loadConfig(file, {
      SLACK_BOT_TOKEN: "xoxb-example",
      SMTP_PASSWORD: "example-password",
      WEBHOOK_URL: "https://hooks.example.com/orgwatch",
      WEBHOOK_SECRET: "example-secret",
      PD_ROUTING_KEY: "example-routing-key",
    });
    expect(messages(config)).toEqual([]);
    expect(config.alerting.notifiers.map((n) => n.kind)).toEqual([
      "slack",
      "email",
      "webhook",
      "pagerduty",
    ]);
    expect(config.alerting.routes).toHaveLength(3);
    expect(config.alerting.silences).toHaveLength(1);
    expect(config.alerting.policy.groupWait).toBe(30_000);
    expect(JSON.stringify(config.alerting)).not.toMatch(
      /xoxb-example|example-password|example-routing-key/,
    );
  });

  it("skips a broken notifier or route with its path and keeps the rest", () => {
    const config = loadConfigTree(
      {
        notifiers: [
          { name: "oncall", kind: "slack", token: "xoxb-1", channel: "C0123ABC" },
          { name: "bad", kind: "sms", number: "+1" },
          { name: "oncall", kind: "webhook", url: "https://x.example/h" },
        ],
        routes: [
          { match: {}, notify: ["oncall", "pager"] },
          { match: { causes: ["nope"] }, notify: ["oncall"] },
        ],
      },
      { file: join(tmp.dir, "x.yaml"), env: {} },
    );
    expect(messages(config)).toEqual([
      "notifiers[1].kind: kind must be slack, email, webhook or pagerduty",
      'notifiers[2].name: "oncall" is already used by notifiers[0]; names must be unique',
      "routes[1].match.causes[0]: is not a cause id (see orgwatch's failure catalogue)",
      "routes[0].notify: no notifier named pager; known: oncall",
    ]);
    expect(config.alerting.notifiers.map((n) => n.name)).toEqual(["oncall"]);
  });

  it("loads a .json config with the same schema, and many orgs sharing one key parse it once", () => {
    const orgs = Array.from({ length: 500 }, (_, i) => ({
      id: `j-${String(i)}`,
      loginUrl: `https://j${String(i)}.my.salesforce.com`,
      clientId: "3MVG9json",
      username: `integration@j${String(i)}.example`,
      privateKeyFile: "./good.key",
    }));
    const file = join(tmp.dir, "fleet.json");
    writeFileSync(file, JSON.stringify({ defaults: { interval: "5m" }, orgs }));
    const config = loadConfig(file, {});
    expect(messages(config)).toEqual([]);
    expect(config.orgs).toHaveLength(500);
    // One parse for the shared file: every org holds the same key object.
    const keys = new Set(config.orgs.map((o) => (o.key.ok ? o.key.key : null)));
    expect(keys.size).toBe(1);
    writeFileSync(join(tmp.dir, "bad.json"), '{"orgs": [}');
    expect(() => loadConfig(join(tmp.dir, "bad.json"), {})).toThrow(/bad\.json is not valid JSON/);
  });

  it("a wrong type gets its own path and a hint, and a top-level mistake does not hide the orgs'", () => {
    const config = loadConfigTree(
      {
        server: { listen: 9464 },
        scheduler: { concurrency: "lots" },
        defaults: { interval: 10, apiVersion: 65 },
        orgs: [
          {
            id: "acme",
            loginUrl: "https://acme.my.salesforce.com",
            clientId: 123,
            username: "u@x.com",
            privateKeyFile: "./good.key",
          },
          {
            id: "Bad",
            loginUrl: "https://b.my.salesforce.com",
            clientId: "abc",
            username: "u@x.com",
            privateKeyFile: "./good.key",
          },
        ],
      },
      { file: join(tmp.dir, "types.yaml"), env: {} },
    );
    expect(messages(config)).toEqual([
      'server.listen: must be host:port in quotes, e.g. "0.0.0.0:9464" or "127.0.0.1:9464"',
      'scheduler.concurrency: must be a number, not "lots"',
      "defaults.interval: 10 has no unit; write it like 10s, 5m or 1h",
      'defaults.apiVersion: quote it so it stays a string: "65.0"',
      "orgs[0].clientId: must be text: quote the Consumer Key in YAML",
      "orgs[1].id: must be 1-64 characters of a-z, 0-9, _ or -",
    ]);
  });

  it("scheduler.kind: redis without redisUrl is caught by config check", () => {
    const config = loadConfigTree(
      { scheduler: { kind: "redis" } },
      { file: join(tmp.dir, "redis.yaml"), env: {} },
    );
    expect(messages(config)).toEqual(["scheduler.redisUrl: is required"]);
  });

  it("exits 1 with the count of usable orgs when an entry is broken", async () => {
    const file = join(tmp.dir, "mixed.yaml");
    writeFileSync(
      file,
      stringify({
        orgs: [
          org(),
          org({ id: "b", loginUrl: "b.my.salesforce.com" }),
          org({ id: "c", privateKeyFile: "./ec.key" }),
        ],
      }),
    );
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "1 of 3 orgs usable, 1 with an unusable key (reported as key_invalid), 1 skipped",
    );
    expect(r.err).toContain(
      'orgs[1].loginUrl: "b.my.salesforce.com" is not a URL; write https://b.my.salesforce.com [org skipped]',
    );
  });

  it("exits 2 on unreadable or malformed files", async () => {
    expect((await run(join(tmp.dir, "missing.yaml"))).code).toBe(2);
    const file = join(tmp.dir, "broken.yaml");
    writeFileSync(file, "server:\n  listen: 127.0.0.1:9464\norgs:\n  - id: x\n   bad: [\n");
    const r = await run(file);
    expect(r.code).toBe(2);
    // The line and column, the reason, and the text of that line, on one line.
    expect(r.err.trim()).toBe(
      `${file}:5:4: not valid YAML: bad indentation of a sequence entry in "bad: ["`,
    );
  });
});
