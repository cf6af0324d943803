import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { Secret } from "../platform/secret.js";

/** A usable signing key, or the reason it is not usable. Never carries key text in a message. */
export type KeyStatus =
  { ok: true; key: Secret<KeyObject>; bits: number } | { ok: false; problem: string };

/** What we know of the certificate copy the monitor holds. */
export type CertificateStatus =
  | { ok: true; notAfter: string; matchesKey: boolean | null; subject: string }
  | { ok: false; problem: string };

const PEM_PRIVATE = /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/** Accepts PEM, or base64 of a PEM (how admins are often told to pass keys through env vars). */
export function pemFromText(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) return trimmed;
  const compact = trimmed.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/=]+$/.test(compact)) return null;
  const decoded = Buffer.from(compact, "base64").toString("utf8").trim();
  return decoded.startsWith("-----BEGIN") ? decoded : null;
}

/** Decides whether text is a private key Salesforce will accept for RS256: RSA, at least 2048 bits. */
export function checkPrivateKey(text: string): KeyStatus {
  const pem = pemFromText(text);
  if (pem === null || !PEM_PRIVATE.test(pem)) {
    if (pem?.includes("BEGIN CERTIFICATE")) {
      return {
        ok: false,
        problem:
          "holds a certificate, not a private key; point it at the private key that signs the JWT",
      };
    }
    return {
      ok: false,
      problem:
        "is not a PEM private key (nor base64 of one); give the file made by `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem ...`",
    };
  }
  if (pem.includes("ENCRYPTED PRIVATE KEY") || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    return {
      ok: false,
      problem:
        "is encrypted with a passphrase; export it unencrypted (`openssl rsa -in key.pem -out key.nopass.pem`)",
    };
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    return {
      ok: false,
      problem: "looks like PEM but does not parse as a private key; the file may be truncated",
    };
  }
  if (key.asymmetricKeyType !== "rsa") {
    const kind = key.asymmetricKeyType === "ec" ? "an EC (ECDSA)" : `a ${key.asymmetricKeyType}`;
    return {
      ok: false,
      problem: `is ${kind} key; Salesforce accepts only RSA keys for the JWT bearer flow: make one with \`openssl req -x509 -newkey rsa:2048 ...\``,
    };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) {
    return {
      ok: false,
      problem: `is an RSA key of ${bits} bits; Salesforce needs at least 2048: make a new pair with \`openssl req -x509 -newkey rsa:2048 ...\` and upload the new certificate`,
    };
  }
  return { ok: true, key: new Secret(key), bits };
}

/** Reads the certificate copy: when it expires and whether it belongs to the key. */
export function checkCertificate(text: string, key: KeyStatus): CertificateStatus {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pemFromText(text) ?? text);
  } catch {
    return { ok: false, problem: "is not a PEM X.509 certificate" };
  }
  let matchesKey: boolean | null = null;
  if (key.ok) {
    try {
      matchesKey = cert.checkPrivateKey(key.key.reveal());
    } catch {
      matchesKey = false;
    }
  }
  return {
    ok: true,
    notAfter: new Date(cert.validTo).toISOString(),
    matchesKey,
    subject: cert.subject.replace(/\n/g, ", "),
  };
}
