import { describe, expect, it } from "vitest";
import { registerApi, type ApiMonitor } from "../../src/http/api.js";
import { buildHttpApp } from "../../src/http/server.js";
import { createRegistry } from "../../src/metrics/index.js";
import { initialState } from "../../src/monitor/transition.js";

function app(apiToken: string | null) {
  const triggered: string[] = [];
  const monitor: ApiMonitor = {
    orgState: (id) => (id === "acme" ? initialState("acme") : null),
    checkNow: (id) => {
      if (id !== "acme") return false;
      triggered.push(id);
      return true;
    },
  };
  const fastify = buildHttpApp({
    registry: createRegistry(),
    ready: () => true,
    routes: (a) => registerApi(a, { monitor, apiToken }),
  });
  return { fastify, triggered };
}

describe("/api/v1", () => {
  it("forces a check and reads state with the right token", async () => {
    const { fastify, triggered } = app("s3cret-token-0123456789");
    const auth = { authorization: "Bearer s3cret-token-0123456789" };
    const post = await fastify.inject({
      method: "POST",
      url: "/api/v1/orgs/acme/check",
      headers: auth,
    });
    expect(post.statusCode).toBe(202);
    expect(post.json()).toEqual({ org: "acme", queued: true });
    expect(triggered).toEqual(["acme"]);
    const get = await fastify.inject({ method: "GET", url: "/api/v1/orgs/acme", headers: auth });
    expect(get.json()).toMatchObject({ orgId: "acme", state: "unknown" });
    const missing = await fastify.inject({
      method: "POST",
      url: "/api/v1/orgs/nope/check",
      headers: auth,
    });
    expect(missing.statusCode).toBe(404);
  });

  it("refuses a missing or wrong token without echoing it", async () => {
    const { fastify, triggered } = app("s3cret-token-0123456789");
    const none = await fastify.inject({ method: "POST", url: "/api/v1/orgs/acme/check" });
    expect(none.statusCode).toBe(401);
    const wrong = await fastify.inject({
      method: "POST",
      url: "/api/v1/orgs/acme/check",
      headers: { authorization: "Bearer guess" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain("s3cret");
    expect(triggered).toEqual([]);
  });

  it("without a token, answers loopback callers only", async () => {
    const { fastify } = app(null);
    const local = await fastify.inject({
      method: "POST",
      url: "/api/v1/orgs/acme/check",
      remoteAddress: "127.0.0.1",
    });
    expect(local.statusCode).toBe(202);
    const remote = await fastify.inject({
      method: "POST",
      url: "/api/v1/orgs/acme/check",
      remoteAddress: "10.1.2.3",
    });
    expect(remote.statusCode).toBe(403);
  });
});
