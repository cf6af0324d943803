import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import type { OrgTarget } from "../config/target.js";

/**
 * A fingerprint of the settings that decide whether a login can work: host, audience, consumer
 * key, user and the public half of the key. A change restarts the history-based rules (a new
 * client id gets a fresh propagation window). Never includes private key material.
 */
export function connectionHash(target: OrgTarget): string {
  let known = hashes.get(target);
  if (known === undefined) {
    known = computeHash(target);
    hashes.set(target, known);
  }
  return known;
}

/** Targets are immutable once loaded, so each one's hash is computed once. */
const hashes = new WeakMap<OrgTarget, string>();

/** Orgs that share a key share its KeyObject (the config loads each key once): export it once. */
const publicKeys = new WeakMap<object, Buffer>();

/** The DER of a loaded key's public half, exported once per key object. */
export function publicKeyDer(key: { reveal(): KeyObject }): Buffer {
  let der = publicKeys.get(key);
  if (der === undefined) {
    der = createPublicKey(key.reveal()).export({ type: "spki", format: "der" });
    publicKeys.set(key, der);
  }
  return der;
}

function computeHash(target: OrgTarget): string {
  const hash = createHash("sha256");
  hash.update([target.loginUrl, target.audience, target.clientId, target.username].join("\n"));
  if (target.key.ok) {
    hash.update(publicKeyDer(target.key.key));
  } else {
    hash.update("no-key");
  }
  return hash.digest("hex").slice(0, 16);
}
