import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { systemClock, type Clock } from "../platform/clock.js";
import { OrgwatchError } from "../platform/errors.js";
import { createControl, type SimControl } from "./control.js";
import { registerControlRoutes } from "./routes-control.js";
import { registerRestRoutes } from "./routes-rest.js";
import { registerSoapRoutes } from "./routes-soap.js";
import { registerTokenRoute } from "./routes-token.js";
import { applyScenario } from "./scenarios.js";
import { loadSimfile, validateSpec, type SimSpec, type SimSpecInput } from "./spec.js";
import { buildState, type SimState } from "./state.js";
import { NOT_FOUND_BODY, SALESFORCE_SERVER } from "./wire.js";

/** How to start a simulator: a SIMFILE path or an already-parsed spec object. */
export interface SimulatorOptions {
  simfile?: string;
  spec?: SimSpecInput;
  /** 0 (the default) = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Simulated time = this clock plus control advances. Default: the wall clock. */
  clock?: Clock;
  /** Folder `certificateFile` is relative to when `spec` is given (default: the working directory). */
  baseDir?: string;
}

/** A running simulator. */
export interface Simulator {
  /** `http://HOST:PORT`: the login URL and instance URL clients use. */
  url: string;
  port: number;
  close(): Promise<void>;
  control: SimControl;
}

function resolveSpec(options: SimulatorOptions): SimSpec {
  if (options.spec !== undefined) {
    return validateSpec(options.spec, options.baseDir ?? process.cwd(), "spec");
  }
  if (options.simfile !== undefined) return loadSimfile(options.simfile);
  throw new OrgwatchError("USAGE", "startSimulator needs simfile or spec");
}

/** Builds the fastify app over a state (exported for in-process injection tests). */
export function buildApp(state: SimState, control: SimControl): FastifyInstance {
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    keepAliveTimeout: 72_000,
    routerOptions: { ignoreDuplicateSlashes: true, ignoreTrailingSlash: true },
  });
  // every body arrives as text: routes decide (form, JSON, SOAP XML) the way Salesforce does
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
  // Every Salesforce answer names its edge and carries a request id (errors.md D.6). A fault that
  // plays a proxy or a CDN sets its own Server header and gets neither; the control API neither.
  app.addHook("onSend", async (request, reply, payload) => {
    if (request.url.startsWith("/__sim") || reply.hasHeader("server")) return payload;
    reply.header("server", SALESFORCE_SERVER).header("x-sfdc-request-id", randomUUID());
    return payload;
  });
  registerTokenRoute(app, state);
  registerRestRoutes(app, state);
  registerSoapRoutes(app, state);
  registerControlRoutes(app, control);
  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).type("application/json;charset=UTF-8").send(NOT_FOUND_BODY),
  );
  return app;
}

/** Starts the simulator on loopback (or `host`) and returns its URL, port and control handle. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const spec = resolveSpec(options);
  const state = buildState(spec, options.clock ?? systemClock);
  for (const org of state.orgs) applyScenario(state, org, org.scenario);
  const control = createControl(state);
  const app = buildApp(state, control);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : (options.port ?? 0);
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    control,
    close: () => app.close(),
  };
}
