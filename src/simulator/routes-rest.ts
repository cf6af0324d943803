import type { FastifyInstance, FastifyRequest } from "fastify";
import { bearerOf, guardApi, orgByHost, sendRest, sendRestError } from "./api-guard.js";
import { applyFault, baseUrlOf, LOGIN_PAGE_HTML } from "./faults.js";
import { formatVersion, releaseLabel } from "./ids.js";
import { lookupSession } from "./sessions.js";
import { answerQuery } from "./soql.js";
import type { SimOrg, SimState, SimUser } from "./state.js";
import { NOT_FOUND_BODY } from "./wire.js";

type VersionParams = { version: string };

/** The org whose versions `GET /services/data` lists: by token, by Host, or the only org. */
function versionsOrg(state: SimState, request: FastifyRequest): SimOrg | null {
  const bearer = bearerOf(request.headers.authorization);
  if (bearer.kind === "token") {
    const found = lookupSession(state, bearer.token);
    if (found.org) return found.org;
  }
  return orgByHost(state, request) ?? (state.orgs.length === 1 ? (state.orgs[0] ?? null) : null);
}

/** The versions list from min to max, in the shape of `GET /services/data`. */
export function versionsList(
  min: number,
  max: number,
): { label: string; url: string; version: string }[] {
  const out = [];
  for (let v = Math.floor(min); v <= max; v++) {
    const version = formatVersion(v);
    out.push({ label: releaseLabel(v), url: `/services/data/v${version}`, version });
  }
  return out;
}

function limitsBody(org: SimOrg): string {
  const entry = (max: number, remaining = max) => ({ Max: max, Remaining: remaining });
  return JSON.stringify({
    ConcurrentAsyncGetReportInstances: entry(200),
    DailyApiRequests: {
      ...entry(org.apiMax, Math.max(org.apiMax - org.apiUsed, 0)),
      "Ant Migration Tool": entry(0),
      "Dataloader Bulk": entry(0),
    },
    DailyAsyncApexExecutions: entry(250000),
    DailyBulkApiRequests: entry(5000),
    DailyBulkV2QueryFileStorageMB: entry(976562),
  });
}

function identityBody(
  base: string,
  org: SimOrg,
  user: SimUser,
  version: string,
): Record<string, unknown> {
  const url = (path: string) => `${base}/services/${path}`;
  return {
    id: `${base}/id/${org.orgId}/${user.userId}`,
    asserted_user: true,
    user_id: user.userId,
    organization_id: org.orgId,
    username: user.username,
    nick_name: user.username.split("@")[0] ?? user.username,
    display_name: "Integration User",
    email: user.username,
    active: user.active,
    user_type: "STANDARD",
    language: "en_US",
    locale: "en_US",
    utcOffset: 0,
    last_modified_date: "2026-01-01T00:00:00.000+0000",
    urls: {
      enterprise: url(`Soap/c/{version}/${org.orgId.slice(0, 15)}`),
      metadata: url(`Soap/m/{version}/${org.orgId.slice(0, 15)}`),
      partner: url(`Soap/u/{version}/${org.orgId.slice(0, 15)}`),
      rest: url("data/v{version}/"),
      sobjects: url("data/v{version}/sobjects/"),
      search: url("data/v{version}/search/"),
      query: url("data/v{version}/query/"),
      recent: url("data/v{version}/recent/"),
      profile: `${base}/${user.userId}`,
      custom_domain: base,
      default_api_version: version,
    },
  };
}

/** Registers versions, limits, SOQL, Bulk 2.0 listings, identity URL, userinfo and the login page. */
export function registerRestRoutes(app: FastifyInstance, state: SimState): void {
  app.get("/services/data", async (request, reply) => {
    const org = versionsOrg(state, request);
    if (await applyFault(state, org, "versions", request, reply)) return reply;
    const list = versionsList(Number(org?.minApiVersion ?? 31), Number(org?.maxApiVersion ?? 65));
    await sendRest(reply, 200, JSON.stringify(list));
    return reply;
  });
  app.get<{ Params: VersionParams }>("/services/data/:version/limits", async (request, reply) => {
    const caller = await guardApi(state, request, reply, {
      endpoint: "limits",
      version: request.params.version,
      counted: true,
      api: true,
    });
    if (caller) await sendRest(reply, 200, limitsBody(caller.org));
    return reply;
  });
  app.get<{ Params: VersionParams; Querystring: { q?: string } }>(
    "/services/data/:version/query",
    async (request, reply) => {
      const { version } = request.params;
      const caller = await guardApi(state, request, reply, {
        endpoint: "query",
        version,
        counted: true,
        api: true,
      });
      if (!caller) return reply;
      const answer = answerQuery(caller.org, caller.user, request.query.q, version);
      if (answer.status === 200) await sendRest(reply, 200, JSON.stringify(answer.body));
      else await sendRestError(reply, 400, answer.error);
      return reply;
    },
  );
  registerBulkRoutes(app, state);
  registerIdentityRoutes(app, state);
}

function registerBulkRoutes(app: FastifyInstance, state: SimState): void {
  for (const kind of ["ingest", "query"]) {
    app.get<{ Params: VersionParams }>(
      `/services/data/:version/jobs/${kind}`,
      async (request, reply) => {
        const { version } = request.params;
        const caller = await guardApi(state, request, reply, {
          endpoint: "bulk",
          version,
          counted: true,
          api: true,
        });
        if (caller) await sendRest(reply, 200, '{"done":true,"records":[],"nextRecordsUrl":null}');
        return reply;
      },
    );
  }
}

function registerIdentityRoutes(app: FastifyInstance, state: SimState): void {
  const guard = { endpoint: "identity", counted: false, api: false } as const;
  app.get<{ Params: { orgId: string; userId: string } }>(
    "/id/:orgId/:userId",
    async (request, reply) => {
      const caller = await guardApi(state, request, reply, guard);
      if (!caller) return reply;
      const user = caller.org.users.find((u) => u.userId === request.params.userId);
      if (request.params.orgId !== caller.org.orgId || !user) {
        await sendRest(reply, 404, NOT_FOUND_BODY);
        return reply;
      }
      const body = identityBody(baseUrlOf(request), caller.org, user, caller.org.maxApiVersion);
      await sendRest(reply, 200, JSON.stringify(body));
      return reply;
    },
  );
  app.get("/services/oauth2/userinfo", async (request, reply) => {
    const caller = await guardApi(state, request, reply, guard);
    if (!caller) return reply;
    const id = identityBody(baseUrlOf(request), caller.org, caller.user, caller.org.maxApiVersion);
    const body = {
      sub: id["id"],
      user_id: caller.user.userId,
      organization_id: caller.org.orgId,
      preferred_username: caller.user.username,
      nickname: id["nick_name"],
      name: id["display_name"],
      email: caller.user.username,
      email_verified: true,
      active: caller.user.active,
      user_type: "STANDARD",
      language: "en_US",
      locale: "en_US",
      utcOffset: 0,
      urls: id["urls"],
      is_app_installed: caller.org.app.installed,
    };
    await sendRest(reply, 200, JSON.stringify(body));
    return reply;
  });
  app.get("/", async (_request, reply) => {
    await reply.code(200).type("text/html;charset=UTF-8").send(LOGIN_PAGE_HTML);
    return reply;
  });
}
