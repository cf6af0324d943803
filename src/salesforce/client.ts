import type { KeyObject } from "node:crypto";
import type { Evidence } from "../domain/result.js";
import { HttpFailure, type HttpResponse, type HttpSend } from "../platform/http.js";
import { Secret } from "../platform/secret.js";
import { signAssertion, type AssertionClaims } from "./assertion.js";
import {
  baseEvidence,
  limitInfo,
  opaqueEvidence,
  redirectEvidence,
  restErrorEvidence,
  soapFaultEvidence,
  tokenFormat,
  tryJson,
} from "./parse.js";

const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** An access token and where to use it. The token never leaves this object unwrapped. */
export interface Session {
  accessToken: Secret;
  instanceUrl: string;
  idUrl: string;
  tokenFormat: "opaque" | "jwt";
}

/** The result of one call: a value, or the evidence of why not. Both carry the API usage seen. */
export type CallOutcome<T> =
  | { ok: true; value: T; evidence: Evidence; usage: { used: number; max: number } | null }
  | { ok: false; evidence: Evidence; usage: { used: number; max: number } | null };

function failure<T>(evidence: Evidence, res?: HttpResponse): CallOutcome<T> {
  return { ok: false, evidence, usage: res ? limitInfo(res.headers) : null };
}

function wireFailure<T>(err: unknown): CallOutcome<T> {
  if (err instanceof HttpFailure) {
    return failure(
      err.kind === "timeout"
        ? { kind: "timeout", networkCode: err.networkCode }
        : { kind: "network", networkCode: err.networkCode },
    );
  }
  throw err;
}

/** The wire client for Salesforce: token exchange and the read-only API calls of a health check. */
export class SalesforceClient {
  constructor(private readonly send: HttpSend) {}

  /** Exchanges a fresh assertion at `tokenUrl`. Counts as one login for the user. */
  async exchangeToken(
    tokenUrl: string,
    claims: AssertionClaims,
    key: Secret<KeyObject>,
    nowMs: number,
    timeoutMs: number,
  ): Promise<CallOutcome<Session>> {
    const assertion = await signAssertion(claims, key, nowMs);
    const body = new URLSearchParams({ grant_type: GRANT_TYPE, assertion: assertion.reveal() });
    let res: HttpResponse;
    try {
      res = await this.send({
        method: "POST",
        url: tokenUrl,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: body.toString(),
        timeoutMs,
        maxBytes: 65_536,
      });
    } catch (err) {
      return wireFailure(err);
    }
    return parseTokenResponse(res);
  }

  /** GET on the instance (or an absolute URL such as the identity URL) with the bearer token. */
  async get(session: Session, pathOrUrl: string, timeoutMs: number): Promise<CallOutcome<unknown>> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${session.instanceUrl}${pathOrUrl}`;
    let res: HttpResponse;
    try {
      res = await this.send({
        method: "GET",
        url,
        headers: { authorization: `Bearer ${session.accessToken.reveal()}` },
        timeoutMs,
      });
    } catch (err) {
      return wireFailure(err);
    }
    const redirect = redirectEvidence(res);
    if (redirect) return failure(redirect, res);
    if (res.status !== 200) return failure(restErrorEvidence(res), res);
    const value = tryJson(res.body);
    if (value === undefined || res.truncated) return failure(opaqueEvidence(res), res);
    return { ok: true, value, evidence: baseEvidence(res), usage: limitInfo(res.headers) };
  }

  /** Calls a Metadata API SOAP operation; the session goes in the SessionHeader. */
  async metadata(
    session: Session,
    apiVersion: string,
    operationXml: string,
    timeoutMs: number,
  ): Promise<CallOutcome<string>> {
    const envelope =
      `<?xml version="1.0" encoding="UTF-8"?>` +
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:met="http://soap.sforce.com/2006/04/metadata">` +
      `<soapenv:Header><met:SessionHeader><met:sessionId>${escapeXml(session.accessToken.reveal())}</met:sessionId></met:SessionHeader></soapenv:Header>` +
      `<soapenv:Body>${operationXml}</soapenv:Body></soapenv:Envelope>`;
    let res: HttpResponse;
    try {
      res = await this.send({
        method: "POST",
        url: `${session.instanceUrl}/services/Soap/m/${apiVersion}`,
        headers: {
          "content-type": "text/xml; charset=utf-8",
          soapaction: '""',
          accept: "text/xml",
        },
        body: envelope,
        timeoutMs,
      });
    } catch (err) {
      return wireFailure(err);
    }
    const redirect = redirectEvidence(res);
    if (redirect) return failure(redirect, res);
    if (res.status === 200 && /Response>/.test(res.body) && !res.truncated) {
      return { ok: true, value: res.body, evidence: baseEvidence(res), usage: null };
    }
    return failure(soapFaultEvidence(res), res);
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Reads a token endpoint answer: a session, or evidence of the error. */
export function parseTokenResponse(res: HttpResponse): CallOutcome<Session> {
  const redirect = redirectEvidence(res);
  if (redirect) return failure(redirect, res);
  const parsed = tryJson(res.body);
  const body = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : null;
  if (body === null || res.truncated) return failure(opaqueEvidence(res), res);
  const fields = body as Record<string, unknown>;
  if (res.status !== 200 || typeof fields.error === "string") {
    const evidence: Evidence = { ...baseEvidence(res) };
    if (typeof fields.error === "string") evidence.error = fields.error;
    if (typeof fields.error_description === "string") {
      evidence.errorDescription = fields.error_description.slice(0, 300);
    }
    if (evidence.error === undefined) return failure(opaqueEvidence(res), res);
    return failure(evidence, res);
  }
  const token = fields.access_token;
  const instanceUrl = fields.instance_url;
  if (typeof token !== "string" || token === "" || typeof instanceUrl !== "string") {
    return failure(opaqueEvidence(res, "a 200 answer without access_token or instance_url"), res);
  }
  const format = tokenFormat(token);
  return {
    ok: true,
    value: {
      accessToken: new Secret(token),
      instanceUrl: instanceUrl.replace(/\/$/, ""),
      idUrl: typeof fields.id === "string" ? fields.id : "",
      tokenFormat: format,
    },
    evidence: { ...baseEvidence(res), tokenFormat: format },
    usage: null,
  };
}
