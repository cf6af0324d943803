import { createHash, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { OrgwatchError } from "../platform/errors.js";
import { generateIdentity } from "../platform/keygen.js";

/** The files `--new-key DIR` wrote, and what may be said about them (never the key itself). */
export interface NewKey {
  keyFile: string;
  certFile: string;
  /** SHA-256 of the certificate's DER, as Setup shows it. */
  fingerprint: string;
  notAfter: string;
}

/** The file names of the vendor guide (seed 002), so its later steps read the same. */
export const KEY_FILE = "private-key.pem";
/** The certificate's file name. */
export const CERT_FILE = "cert.pem";

const VALID_DAYS = 3650;

function cannot(dir: string, what: string, err: unknown): OrgwatchError {
  const code = (err as NodeJS.ErrnoException).code ?? "error";
  return new OrgwatchError(
    "USAGE",
    `--new-key ${dir}: cannot ${what} (${code}); choose a folder you can write to`,
  );
}

/**
 * Writes an RSA-2048 private key (0600) and a self-signed X.509 certificate for it (0644) into
 * DIR, like `openssl req -x509 -sha256 -nodes -days 3650 -newkey rsa:2048`. Never overwrites a
 * key: a second run would silently break every integration that holds the first one.
 */
export function writeNewKey(dir: string, now: number): NewKey {
  const keyFile = join(dir, KEY_FILE);
  const certFile = join(dir, CERT_FILE);
  try {
    // Not recursive: Node 20's recursive mkdir spins forever on some paths (under /proc), and a
    // missing parent is more likely a typo than a wish for a new tree.
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    throw cannot(dir, "create the folder", err);
  }
  for (const file of [keyFile, certFile]) {
    if (existsSync(file)) {
      throw new OrgwatchError(
        "USAGE",
        `--new-key ${dir}: ${file} already exists; move it away or choose another folder (a key is never overwritten)`,
      );
    }
  }
  const identity = generateIdentity({
    commonName: "salesforce-jwt-integration",
    notBefore: new Date(now),
    notAfter: new Date(now + VALID_DAYS * 86_400_000),
  });
  try {
    // chmod after writing: the umask may narrow the mode of a new file, never widen it.
    writeFileSync(keyFile, identity.privateKeyPem, { mode: 0o600, flag: "wx" });
    chmodSync(keyFile, 0o600);
    writeFileSync(certFile, identity.certificatePem, { mode: 0o644, flag: "wx" });
    chmodSync(certFile, 0o644);
  } catch (err) {
    throw cannot(dir, "write the key files", err);
  }
  const cert = new X509Certificate(identity.certificatePem);
  return {
    keyFile: resolve(keyFile),
    certFile: resolve(certFile),
    fingerprint: createHash("sha256").update(cert.raw).digest("hex"),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

/** What to tell the admin about the new files: where, which mode, and how to base64 the key. */
export function newKeyText(key: NewKey): string {
  const win = key.keyFile.replaceAll("'", "''");
  return [
    `Wrote ${key.keyFile}: RSA 2048-bit private key, mode 0600. Keep it secret; it is never printed.`,
    `Wrote ${key.certFile}: self-signed X.509 certificate (CN=salesforce-jwt-integration, SHA-256, valid until ${key.notAfter.slice(0, 10)}), mode 0644. Upload it to the app.`,
    `Certificate SHA-256 fingerprint: ${key.fingerprint}`,
    "If the integration wants the private key base64-encoded (one long line):",
    `  macOS:                 base64 -i '${key.keyFile}'`,
    `  Linux, Git Bash, WSL:  base64 -w 0 '${key.keyFile}'`,
    `  Windows PowerShell:    [Convert]::ToBase64String([IO.File]::ReadAllBytes((Resolve-Path '${win}')))`,
    `orgwatch reads the files directly: privateKeyFile: ${key.keyFile} and certificateFile: ${key.certFile}.`,
    "",
  ].join("\n");
}
