import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { tempDir } from "../helpers/tmp.js";

let tmp: ReturnType<typeof tempDir>;

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "orgwatch", "onboard", ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
  });
  return { code, stdout, stderr, all: stdout + stderr };
}

beforeAll(() => {
  tmp = tempDir("orgwatch-onboard-key-");
});
afterAll(() => tmp?.cleanup());

describe("orgwatch onboard --new-key", () => {
  it("writes a matching RSA-2048 key (0600) and self-signed certificate (0644), never printing the key", async () => {
    const dir = join(tmp.dir, "keys");
    const r = await run(["--new-key", dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const keyFile = join(dir, "private-key.pem");
    const certFile = join(dir, "cert.pem");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(certFile).mode & 0o777).toBe(0o644);

    const keyPem = readFileSync(keyFile, "utf8");
    const key = createPrivateKey(keyPem);
    expect(key.asymmetricKeyType).toBe("rsa");
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const cert = new X509Certificate(readFileSync(certFile, "utf8"));
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true); // self-signed
    expect(cert.subject).toBe("CN=salesforce-jwt-integration");
    expect(cert.issuer).toBe(cert.subject);
    expect(
      createPublicKey(key)
        .export({ type: "spki", format: "der" })
        .equals(cert.publicKey.export({ type: "spki", format: "der" })),
    ).toBe(true);
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(3650);

    // No line of the key's body, nor its header, appears in the output.
    expect(r.all).not.toContain("PRIVATE KEY-----");
    for (const line of keyPem.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))) {
      expect(r.all).not.toContain(line);
    }
    expect(r.all).not.toContain(Buffer.from(keyPem).toString("base64").slice(0, 40));
    // How to base64 it on each OS (the vendor guide's commands).
    expect(r.stdout).toContain(`base64 -i '${keyFile}'`);
    expect(r.stdout).toContain(`base64 -w 0 '${keyFile}'`);
    expect(r.stdout).toContain("[Convert]::ToBase64String([IO.File]::ReadAllBytes((Resolve-Path");
  });

  it("never overwrites a key: exit 2, one line, the old files intact", async () => {
    const dir = join(tmp.dir, "twice");
    await run(["--new-key", dir]);
    const before = readFileSync(join(dir, "private-key.pem"), "utf8");
    const r = await run(["--new-key", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^--new-key .*twice: .*private-key.pem already exists; move it away or choose another folder/,
    );
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(readFileSync(join(dir, "private-key.pem"), "utf8")).toBe(before);
  });

  it("drafts a config entry with the new files, as YAML", async () => {
    const dir = join(tmp.dir, "draft");
    const r = await run([
      "--new-key",
      dir,
      "--login-url",
      "https://acme--uat.sandbox.my.salesforce.com",
      "--username",
      "integration@acme.com.uat",
      "--client-id",
      "3MVG9abc",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Setup checklist:");
    expect(r.stdout).toContain(
      [
        "- id: acme-uat",
        "  loginUrl: https://acme--uat.sandbox.my.salesforce.com",
        "  audience: https://acme--uat.sandbox.my.salesforce.com",
        "  clientId: 3MVG9abc",
        "  username: integration@acme.com.uat",
        `  privateKeyFile: ${join(dir, "private-key.pem")}`,
        `  certificateFile: ${join(dir, "cert.pem")}`,
      ].join("\n"),
    );
    expect(r.stdout).not.toContain("PRIVATE KEY-----");
  });

  it("a Connected App draft takes the sandbox login host as audience", async () => {
    const r = await run([
      "--login-url",
      "https://acme--uat.sandbox.my.salesforce.com",
      "--username",
      "integration@acme.com.uat",
      "--app-kind",
      "connected-app",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const draft = JSON.parse(r.stdout) as { entry: Record<string, string> };
    expect(draft.entry).toMatchObject({
      audience: "https://test.salesforce.com",
      clientId: "PASTE-THE-CONSUMER-KEY",
      privateKeyFile: "./private-key.pem",
    });
  });
});

describe("bad input: one line naming it, exit 2", () => {
  let config: string;
  beforeAll(() => {
    config = join(tmp.dir, "orgwatch.yaml");
    writeFileSync(
      config,
      stringify({
        storage: { sqlite: "./onboard.db" },
        orgs: [
          {
            id: "good",
            loginUrl: "https://good.my.salesforce.com",
            clientId: "k",
            username: "u@good.com",
            privateKeyFile: "./none.pem",
          },
          {
            id: "half",
            loginUrl: "https://half.my.salesforce.com",
            username: "u@half.com",
            privateKeyFile: "./none.pem",
          },
        ],
      }),
    );
    writeFileSync(join(tmp.dir, "a-file"), "");
  });

  it.each<[string, () => string[], RegExp]>([
    [
      "an unknown org id",
      () => ["--config", config, "--org", "nope"],
      /^--org nope: no such org in .*orgwatch.yaml; known: good$/,
    ],
    [
      "a missing config field",
      () => ["--config", config, "--org", "half"],
      /^.*orgwatch.yaml: orgs\[1\]\.clientId \(org half\): is required: the app's Consumer Key$/,
    ],
    [
      "an unwritable key folder",
      () => ["--config", config, "--org", "good", "--new-key", join(tmp.dir, "a-file", "keys")],
      /^--new-key .*a-file\/keys: cannot create the folder \(ENOTDIR\); choose a folder you can write to$/,
    ],
    [
      "no such config file",
      () => ["--config", join(tmp.dir, "missing.yaml"), "--org", "good"],
      /^--config .*missing.yaml: no such file$/,
    ],
    [
      "a bad --every",
      () => ["--config", config, "--org", "good", "--every", "often"],
      /^--every often: give a duration of at least 1s, like 30s or 5m$/,
    ],
    [
      "a bad --app-kind",
      () => ["--config", config, "--org", "good", "--app-kind", "x"],
      /^--app-kind x: use external-client-app or connected-app$/,
    ],
    [
      "a bad --login-url",
      () => ["--login-url", "acme", "--username", "u@acme.com"],
      /^--login-url acme: not a URL; give the org's My Domain/,
    ],
    [
      "a username that is no username",
      () => ["--login-url", "https://acme.my.salesforce.com", "--username", "bob"],
      /^--username bob: a Salesforce username looks like an e-mail address/,
    ],
    [
      "a draft without a username",
      () => ["--login-url", "https://acme.my.salesforce.com"],
      /^a new org needs both --login-url URL and --username U/,
    ],
  ])("%s", async (_name, args, message) => {
    const r = await run(args());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it("the checklist alone (no --watch when piped) exits 0, checks nothing and creates no database", async () => {
    const r = await run(["--config", config, "--org", "good"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Onboarding good (good): External Client App, production org.");
    expect(existsSync(join(tmp.dir, "onboard.db"))).toBe(false);
  });
});
