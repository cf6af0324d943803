import { SignJWT } from "jose";
import type { KeyObject } from "node:crypto";
import { Secret } from "../platform/secret.js";

/** How far ahead the assertion expires: Salesforce documents "within 3 minutes". */
export const ASSERTION_LIFETIME_SECONDS = 180;

/** The claims of one assertion; none of them is secret. */
export interface AssertionClaims {
  clientId: string;
  username: string;
  audience: string;
}

/**
 * Signs a fresh JWT bearer assertion: header {"alg":"RS256"}, iss/sub/aud, exp in whole seconds.
 * Built for every exchange, never cached, and wrapped so that it cannot be logged.
 */
export async function signAssertion(
  claims: AssertionClaims,
  key: Secret<KeyObject>,
  nowMs: number,
): Promise<Secret> {
  const exp = Math.floor(nowMs / 1000) + ASSERTION_LIFETIME_SECONDS;
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: "RS256" })
    .setIssuer(claims.clientId)
    .setSubject(claims.username)
    .setAudience(claims.audience)
    .setExpirationTime(exp)
    .sign(key.reveal());
  return new Secret(jwt);
}
