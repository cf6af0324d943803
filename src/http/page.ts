import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Incident } from "../domain/incident.js";
import type { FleetSummary, OrgPage, OrgQuery } from "../monitor/fleet-query.js";
import type { OrgStatus } from "../monitor/views.js";
import { OrgwatchError } from "../platform/errors.js";
import type { StoredCheck } from "../store/index.js";
import { accessOf } from "./access.js";
import { sameText, sessionCookie, signSession } from "./page-auth.js";
import { CHECK_NOW_SCRIPT } from "./page-check.js";
import { filtersOf, fleetPageBody, queryOf } from "./page-fleet.js";
import { sendPage } from "./page-html.js";
import { safeNext, sendLogin, sendRefusal } from "./page-login.js";
import { orgPageBody } from "./page-org.js";

/** What the status page reads from the running monitor: state, history, incidents. */
export interface PageSource {
  /** The org's status, or null for an org not in the config. */
  org(orgId: string): OrgStatus | null;
  /** The org's latest passes, newest first. */
  checks(orgId: string, limit: number): StoredCheck[];
  /** The org's incidents, newest first. */
  incidents(orgId: string, limit: number): Incident[];
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
  now: () => number;
}

const ORG_ID = /^[a-z0-9_-]{1,64}$/;
const RECENT_CHECKS = 20;
const RECENT_INCIDENTS = 10;

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
  const body = orgPageBody(
    {
      status,
      checks: o.source.checks(orgId, RECENT_CHECKS),
      incidents: o.source.incidents(orgId, RECENT_INCIDENTS),
    },
    { shareToken: share?.token ?? null },
    now,
  );
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
  app.get<{ Querystring: { next?: string } }>("/login", async (req, reply) => {
    if (o.apiToken === null) return reply.redirect("/", 303);
    return sendLogin(reply, safeNext(req.query.next), null, 200);
  });
  app.post("/login", async (req: FastifyRequest, reply) => {
    const form = formOf(req.body);
    const next = safeNext(form.next);
    if (o.apiToken === null) return reply.redirect(next, 303);
    // The token is compared in constant time and never written back, not even on a miss.
    if (!sameText(form.token ?? "", o.apiToken)) {
      return sendLogin(reply, next, "That is not the API token (server.apiToken).");
    }
    reply.header("set-cookie", sessionCookie(signSession(o.apiToken, o.now()), o.secureCookie));
    return reply.redirect(next, 303);
  });
  app.post("/logout", async (_req, reply) => {
    reply.header("set-cookie", sessionCookie("", o.secureCookie, 0));
    return reply.redirect("/login", 303);
  });
}

/**
 * Registers the status page: the fleet at `/` (counts, causes, a filtered table of orgs), one
 * org at `/orgs/{id}`, the login form, and `/share/{token}`. The auth hook in api.ts has already decided who may see what.
 */
export function registerPage(app: FastifyInstance, o: PageOptions): void {
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
