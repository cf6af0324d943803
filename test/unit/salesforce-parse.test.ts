import { describe, expect, it } from "vitest";
import { parseTokenResponse } from "../../src/salesforce/client.js";
import {
  excerpt,
  limitInfo,
  soapFaultEvidence,
  restErrorEvidence,
  tokenFormat,
} from "../../src/salesforce/parse.js";
import type { HttpResponse } from "../../src/platform/http.js";

function res(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    body,
    headers: { "content-type": "application/json", ...headers },
    truncated: false,
  };
}

const JWT_TOKEN = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString("base64url")}.eyJzdWIiOiJ4In0.c2ln`;

describe("token responses", () => {
  it("reads a success, opaque token", () => {
    const out = parseTokenResponse(
      res(
        200,
        JSON.stringify({
          access_token: "00Dxx0000001gPL!AR8AQJXg5oj8",
          instance_url: "https://acme.my.salesforce.com/",
          id: "https://login.salesforce.com/id/00D/005",
          token_type: "Bearer",
        }),
      ),
    );
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.value.instanceUrl).toBe("https://acme.my.salesforce.com");
    expect(out.value.tokenFormat).toBe("opaque");
    expect(out.evidence).toEqual({
      kind: "http",
      httpStatus: 200,
      contentType: "application/json",
      tokenFormat: "opaque",
    });
    expect(JSON.stringify(out)).not.toContain("AR8AQJXg5oj8");
  });

  it("tells JWT-format tokens by shape", () => {
    expect(tokenFormat(JWT_TOKEN)).toBe("jwt");
    expect(tokenFormat("00Dxx0000001gPL!AR8.AQJ.Xg5")).toBe("opaque");
  });

  it("keeps error and error_description", () => {
    const out = parseTokenResponse(
      res(400, '{"error":"invalid_grant","error_description":"audience is invalid"}'),
    );
    expect(out).toMatchObject({
      ok: false,
      evidence: {
        httpStatus: 400,
        error: "invalid_grant",
        errorDescription: "audience is invalid",
      },
    });
  });

  it("a 200 without access_token is a failure, not healthy", () => {
    const out = parseTokenResponse(res(200, '{"instance_url":"https://x"}'));
    expect(out.ok).toBe(false);
    expect(out.evidence.detail).toMatch(/without access_token/);
  });

  it("an HTML maintenance page keeps only its title", () => {
    const out = parseTokenResponse(
      res(
        503,
        "<html><head><title>Down for maintenance</title></head><body>00Dxx0000001gPL!secretsecret</body></html>",
        { "content-type": "text/html" },
      ),
    );
    expect(out).toMatchObject({
      ok: false,
      evidence: { httpStatus: 503, contentType: "text/html", bodyExcerpt: "Down for maintenance" },
    });
  });

  it("truncated JSON is opaque evidence", () => {
    const out = parseTokenResponse(res(200, '{"access_token":"00Dxx0000001gPL!AR8AQ'));
    expect(out.ok).toBe(false);
    expect(out.evidence.bodyExcerpt).toBe('{"access_token":"<session id>');
  });

  it("a redirect names where it points, without the query", () => {
    const out = parseTokenResponse({
      status: 302,
      body: "",
      headers: { location: "https://login.salesforce.com/?ec=302&startURL=x" },
      truncated: false,
    });
    expect(out.evidence).toMatchObject({ httpStatus: 302, redirectTo: "login.salesforce.com/" });
  });
});

describe("API error bodies", () => {
  it("reads the first REST error", () => {
    const ev = restErrorEvidence(
      res(
        403,
        '[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]',
      ),
    );
    expect(ev).toMatchObject({
      httpStatus: 403,
      errorCode: "API_DISABLED_FOR_ORG",
      message: "The REST API is not enabled for this Organization.",
    });
  });

  it("reads a SOAP fault code without its prefix", () => {
    const body = `<soapenv:Envelope><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
    expect(soapFaultEvidence(res(500, body, { "content-type": "text/xml" }))).toMatchObject({
      httpStatus: 500,
      errorCode: "INVALID_SESSION_ID",
      message: "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session",
    });
  });

  it("reads Sforce-Limit-Info", () => {
    expect(limitInfo({ "sforce-limit-info": "api-usage=10018/100000; api-bursts=1/750" })).toEqual({
      used: 10018,
      max: 100000,
    });
    expect(limitInfo({})).toBeNull();
  });

  it("masks session ids and JWTs in excerpts", () => {
    expect(excerpt(`token 00D5g000001abcd!AQ4AQFz.x_y and ${JWT_TOKEN} end`)).toBe(
      "token <session id> and <jwt> end",
    );
  });
});

describe("headers kept as evidence (errors.md D.6, D.11)", () => {
  it("keeps who answered and a deprecation warning; never cookies or auth headers", () => {
    const ev = restErrorEvidence(
      res(403, "<html><title>Access Denied</title></html>", {
        "content-type": "text/html",
        server: "squid/5.7",
        "x-squid-error": "ERR_ACCESS_DENIED 0",
        "set-cookie": "BrowserId=abc123secret",
        "proxy-authenticate": 'Basic realm="proxy"',
        authorization: "Bearer 00Dxx0000001gPL!AR8AQJXg5oj8",
        warning: '299 - "Deprecated API version"',
      }),
    );
    expect(ev.headers).toEqual({
      server: "squid/5.7",
      "x-squid-error": "ERR_ACCESS_DENIED 0",
      warning: '299 - "Deprecated API version"',
    });
    expect(JSON.stringify(ev)).not.toMatch(/BrowserId|AR8AQJ|realm/);
  });

  it("masks a token that would sit in a kept header", () => {
    const ev = restErrorEvidence(
      res(401, "[]", { "www-authenticate": "Token 00Dxx0000001gPL!AR8AQJXg5oj8" }),
    );
    expect(ev.headers?.["www-authenticate"]).toBe("Token <session id>");
  });

  it("reads a Bulk 1.0 XML error", () => {
    const ev = restErrorEvidence(
      res(
        400,
        "<error><exceptionCode>InvalidVersion</exceptionCode><exceptionMessage>Invalid version</exceptionMessage></error>",
        { "content-type": "application/xml" },
      ),
    );
    expect(ev).toMatchObject({ errorCode: "InvalidVersion", message: "Invalid version" });
  });
});
