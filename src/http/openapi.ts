import type { FastifyInstance, RouteOptions } from "fastify";
import { packageVersion } from "../platform/version.js";

declare module "fastify" {
  interface FastifySchema {
    /** One line for the OpenAPI document (as @fastify/swagger reads it). */
    summary?: string;
  }
}

type Schema = Record<string, unknown>;
type Operation = Record<string, unknown>;

/** The OpenAPI document of the API, built from the routes' own JSON schemas. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: Schema;
  security: Record<string, string[]>[];
}

const STATUS_TEXT: Record<string, string> = {
  "200": "OK",
  "201": "Created",
  "202": "Accepted",
  "400": "Bad input; `field` names the field",
  "401": "Missing or wrong bearer token",
  "403": "Not a loopback caller (no server.apiToken set)",
  "404": "Not found",
  "409": "Conflict",
  "429": "Too many requests; see Retry-After",
};

function parameters(where: "path" | "query", schema: Schema | undefined): Operation[] {
  const props = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: s,
  }));
}

function operationOf(route: RouteOptions): Operation {
  const schema = (route.schema ?? {}) as Schema;
  const op: Operation = {
    parameters: [
      ...parameters("path", schema.params as Schema | undefined),
      ...parameters("query", schema.querystring as Schema | undefined),
    ],
    responses: Object.fromEntries(
      Object.entries((schema.response ?? {}) as Record<string, Schema>).map(([code, s]) => [
        code,
        { description: STATUS_TEXT[code] ?? code, content: { "application/json": { schema: s } } },
      ]),
    ),
  };
  if (typeof schema.summary === "string") op.summary = schema.summary;
  if (schema.body) {
    op.requestBody = { required: true, content: { "application/json": { schema: schema.body } } };
  }
  return op;
}

/**
 * Collects every `/api/` route as fastify registers it (the onRoute hook, the way
 * @fastify/swagger does) and answers the OpenAPI 3.1 document of them: the same schema objects
 * that validate requests and serialise answers, so the document cannot drift from the code.
 * Must be called before the routes are added.
 */
export function collectOpenApi(app: FastifyInstance): () => OpenApiDocument {
  const routes: RouteOptions[] = [];
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/api/")) routes.push(route);
  });
  let built: OpenApiDocument | null = null;
  return () => {
    built ??= build(routes);
    return built;
  };
}

function build(routes: readonly RouteOptions[]): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter(
      (m) => m !== "HEAD",
    );
    for (const method of methods) {
      (paths[path] ??= {})[method.toLowerCase()] = operationOf(route);
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "orgwatch API",
      version: packageVersion(),
      description:
        "Fleet state, one org's story, check-now and silences. With server.apiToken every route needs `Authorization: Bearer`; without it only loopback callers are answered.",
    },
    paths,
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
  };
}
