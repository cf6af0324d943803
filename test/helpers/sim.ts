import { createPrivateKey, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import type { SimSpecInput } from "../../src/simulator/index.js";

/** A client identity for simulator tests: key pair, certificate, and the key as a KeyObject. */
export interface SimIdentity extends GeneratedIdentity {
  key: KeyObject;
}

/** Generates a fresh RSA identity (never committed). */
export function simIdentity(): SimIdentity {
  const id = generateIdentity();
  return { ...id, key: createPrivateKey(id.privateKeyPem) };
}

/** The JWT bearer grant type, written out here so tests do not borrow the simulator's constant. */
export const GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** Signs an assertion the way a JWT-bearer client does (header {"alg":"RS256"}). */
export async function signAssertion(
  key: KeyObject,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", ...header }).sign(key);
}

/** The standard claims for a user at a given time (exp = now + 180 s, integer seconds). */
export function claimsFor(
  clientId: string,
  username: string,
  nowMs: number,
  aud = "https://login.salesforce.com",
): Record<string, unknown> {
  return { iss: clientId, sub: username, aud, exp: Math.floor(nowMs / 1000) + 180 };
}

/** A response read once: status, headers, raw text. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function read(res: Response): Promise<Reply> {
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Posts a form-encoded JWT bearer token request. */
export async function postToken(baseUrl: string, assertion: string): Promise<Reply> {
  const body = new URLSearchParams({ grant_type: GRANT, assertion });
  return read(
    await fetch(`${baseUrl}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    }),
  );
}

/** GETs a path with an Authorization header (or none). */
export async function apiGet(url: string, authorization?: string): Promise<Reply> {
  return read(await fetch(url, authorization ? { headers: { authorization } } : {}));
}

/** POSTs a Metadata API SOAP call with the session in the SessionHeader. */
export async function soapCall(
  baseUrl: string,
  version: string,
  sessionId: string,
  op = "describeMetadata",
): Promise<Reply> {
  const inner =
    op === "describeMetadata"
      ? `<met:describeMetadata><met:asOfVersion>${version}</met:asOfVersion></met:describeMetadata>`
      : `<met:listMetadata><met:queries><met:type>ApexClass</met:type></met:queries><met:asOfVersion>${version}</met:asOfVersion></met:listMetadata>`;
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:met="http://soap.sforce.com/2006/04/metadata">' +
    `<soapenv:Header><met:SessionHeader><met:sessionId>${sessionId}</met:sessionId></met:SessionHeader></soapenv:Header>` +
    `<soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
  return read(
    await fetch(`${baseUrl}/services/Soap/m/${version}`, {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""' },
      body: envelope,
    }),
  );
}

/** One org entry of a SIMFILE as written. */
export type OrgInput = SimSpecInput["orgs"][number];

/** A SIMFILE org entry with test defaults (overrides are not type-checked, so bad ones can be tested). */
export function simOrg(id: string, overrides: Record<string, unknown> = {}): OrgInput {
  return {
    id,
    myDomain: id.replace(/_/g, "-"),
    sandbox: false,
    app: "3MVG9test",
    users: [{ username: `integration@${id.replace(/_/g, "-")}.com` }],
    ...overrides,
  };
}

/** The access token of a 200 token reply. */
export function tokenOf(reply: Reply): { access_token: string; instance_url: string; id: string } {
  return JSON.parse(reply.text) as { access_token: string; instance_url: string; id: string };
}
