import { decodeJwt } from "jose";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { activeFault, applyFault, baseUrlOf, UNREPLICATED_DOMAIN } from "./faults.js";
import { handleToken, routeOrg } from "./login.js";
import type { SimOrg, SimState } from "./state.js";
import { JSON_TYPE, TOKEN_ERROR_HEADERS } from "./wire.js";

function formOf(request: FastifyRequest): URLSearchParams | null {
  const type = request.headers["content-type"] ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) return null;
  return new URLSearchParams(typeof request.body === "string" ? request.body : "");
}

function anyFault(state: SimState): boolean {
  return (
    Object.keys(state.globalFaults).length > 0 ||
    state.orgs.some((o) => Object.keys(o.faults).length > 0)
  );
}

/** The org a token request is aimed at, for faults only (before any state decision). */
function faultOrg(state: SimState, form: URLSearchParams | null, baseUrl: string): SimOrg | null {
  const assertion = form?.get("assertion");
  if (!assertion || !anyFault(state)) return null;
  try {
    const claims = decodeJwt(assertion);
    const subject = typeof claims.sub === "string" ? claims.sub : claims["prn"];
    return (
      routeOrg(state, claims.iss, typeof subject === "string" ? subject : "", baseUrl)?.org ?? null
    );
  } catch {
    return null;
  }
}

/** Registers `POST /services/oauth2/token`, the JWT bearer token endpoint. */
export function registerTokenRoute(app: FastifyInstance, state: SimState): void {
  app.post("/services/oauth2/token", async (request, reply) => {
    const form = formOf(request);
    const baseUrl = baseUrlOf(request);
    if (await applyFault(state, faultOrg(state, form, baseUrl), "token", request, reply))
      return reply;
    const outcome = await handleToken(state, {
      form,
      baseUrl,
      remoteIp: request.socket.remoteAddress ?? "",
    });
    reply.type(JSON_TYPE);
    if (!outcome.ok) {
      reply.headers({ ...TOKEN_ERROR_HEADERS });
      return reply.code(400).send(JSON.stringify(outcome.body));
    }
    reply.header("cache-control", "no-store").header("pragma", "no-cache");
    if (activeFault(state, outcome.org, "token")?.kind === "unresolvable_instance") {
      const url = new URL(outcome.body.instance_url);
      url.hostname = `${url.hostname.split(".")[0] ?? "org"}.${UNREPLICATED_DOMAIN}`;
      outcome.body.instance_url = url.origin;
    }
    return reply.code(200).send(JSON.stringify(outcome.body));
  });
}
