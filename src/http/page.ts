import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { FleetSummary, OrgPage, OrgQuery } from "../monitor/fleet-query.js";
import type { OrgDetail } from "../monitor/org-detail.js";
import { OrgwatchError } from "../platform/errors.js";
import { accessOf, type RouteAuth } from "./access.js";
import { sameText, sessionCookie, signSession } from "./page-auth.js";
import { CHECK_NOW_SCRIPT } from "./page-check.js";
import { filtersOf, fleetPageBody, queryOf } from "./page-fleet.js";
import { sendPage } from "./page-html.js";
import { safeNext, sendLogin, sendRefusal } from "./page-login.js";
import { orgPageBody } from "./page-org.js";

/** What the status page reads from the running monitor (the API's own views of it). */
export interface PageSource {
  /** The org's status, recent passes, incidents and fix, or null for an org not in the config. */
  org(orgId: string): OrgDetail | null;
  /** Exact counts of the fleet by state and cause. */
  summary(): FleetSummary;
  /** One page of orgs matching the filters (throws an OrgwatchError on a foreign cursor). */
  list(query: OrgQuery): OrgPage;
}

/** Options of the status page. */
export interface PageOptions {
  source: PageSource;
  /** The API token the login form compares against; null when the page needs no login. */
  apiToken: string | null;
  /** Whether people reach the page over https (`server.publicUrl`): the cookie gets `Secure`. */
  secureCookie: boolean;
  /** The path the page is reached under (pageBasePath of `server.publicUrl`), e.g. "/". */
  basePath: string;
  now: () => number;
}

const ORG_ID = /^[a-z0-9_-]{1,64}$/;

function orgPage(
  reply: FastifyReply,
  o: PageOptions,
  orgId: string,
  share: { token: string; expiresAt: number } | null,
): FastifyReply {
  const status = ORG_ID.test(orgId) ? o.source.org(orgId) : null;
  if (status === null) {
    return sendRefusal(reply, 404, `no org "${orgId}" in the monitor's config`);
  }
  const now = o.now();
  const body = orgPageBody(status, { shareToken: share?.token ?? null }, now);
  const who =
    share === null
      ? null
      : `Shared view of ${orgId} · link expires ${new Date(share.expiresAt).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return sendPage(reply, 200, {
    title: status.name,
    body,
    who,
    fleetLink: share === null,
    signOut: share === null && o.apiToken !== null,
    script: CHECK_NOW_SCRIPT,
  });
}

function fleetPage(
  reply: FastifyReply,
  o: PageOptions,
  query: Record<string, unknown>,
): FastifyReply {
  const filters = filtersOf(query);
  let page: OrgPage;
  try {
    page = o.source.list(queryOf(filters));
  } catch (err) {
    if (!(err instanceof OrgwatchError)) throw err;
    // A cursor from before a restart or from elsewhere: start again from the first page.
    filters.problems.push("that page link is stale; showing the first page");
    filters.cursor = null;
    page = o.source.list(queryOf(filters));
  }
  const body = fleetPageBody(o.source.summary(), filters, page, o.now());
  return sendPage(reply, 200, {
    title: "Fleet",
    body,
    who: null,
    fleetLink: true,
    signOut: o.apiToken !== null,
  });
}

/** The login form's fields, whichever body parser ran (ours, or one registered elsewhere). */
function formOf(body: unknown): Record<string, string> {
  if (typeof body === "string") return Object.fromEntries(new URLSearchParams(body));
  if (typeof body === "object" && body !== null) {
    return Object.fromEntries(
      Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
  }
  return {};
}

function registerLogin(app: FastifyInstance, o: PageOptions): void {
  // The login form proves its caller itself (the token it posts), so the hook lets it through.
  const own = { config: { auth: "own" satisfies RouteAuth } };
  app.get<{ Querystring: { next?: string } }>("/login", own, async (req, reply) => {
    if (o.apiToken === null) return reply.redirect(o.basePath, 303);
    return sendLogin(reply, safeNext(req.query.next), null, 200);
  });
  app.post("/login", own, async (req: FastifyRequest, reply) => {
    const form = formOf(req.body);
    // `next` is the server's own path; the browser reaches it under the base path.
    const next = `${o.basePath}${safeNext(form.next).slice(1)}`;
    if (o.apiToken === null) return reply.redirect(next, 303);
    // The token is compared in constant time and never written back, not even on a miss.
    if (!sameText(form.token ?? "", o.apiToken)) {
      return sendLogin(reply, safeNext(form.next), "That is not the API token (server.apiToken).");
    }
    reply.header(
      "set-cookie",
      sessionCookie(signSession(o.apiToken, o.now()), o.secureCookie, undefined, o.basePath),
    );
    return reply.redirect(next, 303);
  });
  app.post("/logout", own, async (_req, reply) => {
    reply.header("set-cookie", sessionCookie("", o.secureCookie, 0, o.basePath));
    return reply.redirect(`${o.basePath}login`, 303);
  });
}

/**
 * Registers the status page: the fleet at `/` (counts, causes, a filtered table of orgs), one
 * org at `/orgs/{id}`, the login form, and `/share/{token}`. The auth hook in api.ts has already decided who may see what.
 */
export function registerPage(app: FastifyInstance, o: PageOptions): void {
  app.decorate("orgwatchPageBase", o.basePath);
  // Scoped, so a urlencoded parser registered by another route group does not clash with ours.
  void app.register((scope, _opts, done) => {
    if (!scope.hasContentTypeParser("application/x-www-form-urlencoded")) {
      scope.addContentTypeParser(
        "application/x-www-form-urlencoded",
        { parseAs: "string", bodyLimit: 4096 },
        (_req, body, parsed) => {
          parsed(null, body);
        },
      );
    }
    registerLogin(scope, o);
    done();
  });
  app.get<{ Params: { id: string } }>("/orgs/:id", async (req, reply) =>
    orgPage(reply, o, req.params.id, null),
  );
  app.get<{ Params: { token: string } }>("/share/:token", async (req, reply) => {
    const access = accessOf(req);
    if (access.kind !== "share") return sendRefusal(reply, 403, "not a share link");
    return orgPage(reply, o, access.orgId, access);
  });
  app.get<{ Querystring: Record<string, unknown> }>("/", async (req, reply) =>
    fleetPage(reply, o, req.query),
  );
}
