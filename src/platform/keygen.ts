import { systemClock } from "./clock.js";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

/** A freshly made key pair and its self-signed certificate, as PEM text. */
export interface GeneratedIdentity {
  privateKeyPem: string;
  certificatePem: string;
}

/**
 * Makes an RSA key (natively, fast) and a self-signed certificate for it, the pair an admin
 * creates with `openssl req -x509 -newkey rsa:2048`. The demo and the tests use it so that no key
 * is ever committed.
 */
export function generateIdentity(
  options: { bits?: number; commonName?: string; notBefore?: Date; notAfter?: Date } = {},
): GeneratedIdentity {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: options.bits ?? 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const rsaPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(rsaPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${randomBytes(8).toString("hex")}`;
  const notBefore = options.notBefore ?? new Date(systemClock.now() - 86_400_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = options.notAfter ?? new Date(notBefore.getTime() + 365 * 86_400_000);
  const attrs = [{ name: "commonName", value: options.commonName ?? "orgwatch" }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(key, forge.md.sha256.create());
  return { privateKeyPem, certificatePem: forge.pki.certificateToPem(cert) };
}
