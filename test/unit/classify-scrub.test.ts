import { describe, expect, it } from "vitest";
import type { Evidence, StageId } from "../../src/domain/index.js";
import { classify, MAX_QUOTE_CHARS, readableExcerpt, scrub } from "../../src/classify/index.js";
import { inputFor } from "./classify.fixtures.js";

const SESSION = "00D5g000001abcdEAA!AR8AQJXg5oj8jXSgxJfA0lBog.39AsX.LVpxezPwuX5VAIrrbbHMuol7GQ";
const JWT =
  "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJpbnRlZ3JhdGlvbkBhY21lLmNvbSIsImV4cCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLXRva2Vu";
const SECRET_PARTS = [
  "AR8AQJXg5oj8",
  "eyJhbGciOiJSUzI1NiJ9",
  "c2lnbmF0dXJl",
  "s3cr3tvalue",
  "MIIEvQIBADANBg",
];

// PEM markers are assembled at run time so that no committed file looks like it holds a key.
const PEM_BEGIN = ["-----BEGIN", "PRIVATE KEY-----"].join(" ");
const PEM_END = ["-----END", "PRIVATE KEY-----"].join(" ");
const RSA_BEGIN = ["-----BEGIN", "RSA", "PRIVATE KEY-----"].join(" ");

describe("scrub", () => {
  it("removes opaque session ids", () => {
    expect(scrub(`token ${SESSION} end`)).toBe("token <session id> end");
  });

  it("removes JWTs, including a truncated one", () => {
    expect(scrub(`a ${JWT} b`)).toBe("a <jwt> b");
    expect(scrub(JWT.slice(0, 60))).toBe("<jwt>");
  });

  it("removes bearer values and named secret fields", () => {
    expect(scrub("Authorization: Bearer abc.def")).toBe("Authorization: Bearer <secret>");
    expect(scrub('{"access_token":"s3cr3tvalue","x":1}')).toBe('{"access_token":"<secret>","x":1}');
    expect(scrub("grant_type=x&assertion=s3cr3tvalue&y=1")).toBe(
      "grant_type=x&assertion=<secret>&y=1",
    );
  });

  it("removes PEM blocks, even cut off", () => {
    expect(scrub(`key: ${PEM_BEGIN}\nMIIEvQIBADANBg\n${PEM_END} ok`)).toBe("key: <pem> ok");
    expect(scrub(`${RSA_BEGIN}\nMIIEvQIBADANBg`)).toBe("<pem>");
  });

  it("keeps ordinary text and org ids, collapses whitespace and caps the length", () => {
    expect(scrub("  audience   is\ninvalid 00D5g000001abcdEAA ")).toBe(
      "audience is invalid 00D5g000001abcdEAA",
    );
    const long = scrub("x".repeat(1000));
    expect(long.length).toBe(MAX_QUOTE_CHARS);
    expect(long.endsWith("…")).toBe(true);
  });

  it("readableExcerpt strips HTML", () => {
    expect(
      readableExcerpt("<html><style>p{}</style><title>Down for maintenance</title></html>"),
    ).toBe("Down for maintenance");
  });
});

describe("no secret reaches a summary or fix step", () => {
  const poison = `${SESSION} ${JWT} access_token=s3cr3tvalue ${PEM_BEGIN}MIIEvQIBADANBg`;
  const cases: Array<[StageId, Evidence]> = [
    ["local", { kind: "local", detail: poison }],
    [
      "token",
      {
        kind: "http",
        httpStatus: 503,
        contentType: "text/html",
        bodyExcerpt: poison,
        detail: poison,
      },
    ],
    [
      "token",
      { kind: "http", httpStatus: 200, contentType: "application/json", bodyExcerpt: poison },
    ],
    ["token", { kind: "http", httpStatus: 404, contentType: "text/html", bodyExcerpt: poison }],
    ["token", { kind: "http", httpStatus: 400, error: "invalid_grant", errorDescription: poison }],
    ["token", { kind: "http", httpStatus: 400, error: poison, errorDescription: poison }],
    ["rest", { kind: "http", httpStatus: 401, errorCode: "INVALID_SESSION_ID", message: poison }],
    ["rest", { kind: "http", httpStatus: 418, errorCode: poison, message: poison }],
    [
      "rest",
      {
        kind: "http",
        httpStatus: 302,
        redirectTo: `acme.my.salesforce.com/?sid=${SESSION}&t=${JWT}`,
      },
    ],
    ["identity", { kind: "http", httpStatus: 200, detail: poison }],
    ["bulk", { kind: "network", networkCode: poison }],
    ["metadata", { kind: "timeout", detail: poison }],
  ];

  it.each(cases)("%s %j", (stage, evidence) => {
    const out = JSON.stringify(classify(inputFor({ stage, evidence, tokenFormat: "jwt" })));
    for (const part of SECRET_PARTS) expect(out).not.toContain(part);
  });
});
