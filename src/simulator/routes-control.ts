import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { OrgwatchError } from "../platform/errors.js";
import type { SimControl } from "./control.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** Whether a remote address is the local machine (the control API refuses anyone else). */
export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (LOOPBACK.has(address) || address.startsWith("127."));
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const text = typeof request.body === "string" ? request.body.trim() : "";
  if (text === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through to the usage error
  }
  throw new OrgwatchError("USAGE", "body must be a JSON object");
}

type Params = { org: string; username: string; endpoint: string };
type Action = (control: SimControl, params: Params, body: Record<string, unknown>) => unknown;

async function run(
  control: SimControl,
  action: Action,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  try {
    const result = action(control, request.params as Params, jsonBody(request));
    return await reply
      .code(200)
      .type("application/json")
      .send(JSON.stringify(result ?? { ok: true }));
  } catch (err) {
    if (!(err instanceof OrgwatchError)) throw err;
    return reply
      .code(400)
      .type("application/json")
      .send(JSON.stringify({ error: err.message }));
  }
}

const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

/** The control routes: method, path, action. Request and response bodies are JSON. */
const ROUTES: [
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  action: Action,
][] = [
  ["GET", "/__sim/state", (c) => c.state()],
  ["GET", "/__sim/clock", (c) => ({ now: c.now() })],
  ["POST", "/__sim/clock/advance", (c, _p, b) => ({ now: c.advanceClock(num(b["ms"]) ?? NaN) })],
  ["PUT", "/__sim/orgs/:org/scenario", (c, p, b) => c.setScenario(p.org, String(b["scenario"]))],
  ["PATCH", "/__sim/orgs/:org", (c, p, b) => c.patchOrg(p.org, b)],
  ["PATCH", "/__sim/orgs/:org/app", (c, p, b) => c.patchApp(p.org, b)],
  ["PATCH", "/__sim/orgs/:org/users/:username", (c, p, b) => c.patchUser(p.org, p.username, b)],
  ["PUT", "/__sim/orgs/:org/faults/:endpoint", (c, p, b) => c.setFault(p.org, p.endpoint, b)],
  ["DELETE", "/__sim/orgs/:org/faults", (c, p) => c.clearFaults(p.org)],
  [
    "PUT",
    "/__sim/orgs/:org/api",
    (c, p, b) => {
      const used = num(b["used"]);
      const max = num(b["max"]);
      c.setApiUsage(p.org, {
        ...(used !== undefined && { used }),
        ...(max !== undefined && { max }),
      });
    },
  ],
  ["GET", "/__sim/orgs/:org/counters", (c, p) => c.counters(p.org)],
  ["POST", "/__sim/orgs/:org/sessions/revoke", (c, p) => c.revokeSessions(p.org)],
];

/** Registers `/__sim/...`: loopback callers only, everyone else gets 403. */
export function registerControlRoutes(app: FastifyInstance, control: SimControl): void {
  for (const [method, url, action] of ROUTES) {
    app.route({
      method,
      url,
      handler: async (request, reply) => {
        if (!isLoopback(request.socket.remoteAddress)) {
          return reply
            .code(403)
            .type("application/json")
            .send('{"error":"control API is loopback only"}');
        }
        return run(control, action, request, reply);
      },
    });
  }
}
