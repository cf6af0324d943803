import { pipeline, Readable } from "node:stream";
import { constants, createGzip } from "node:zlib";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { expositionChunks } from "../metrics/index.js";
import type { Logger } from "../platform/logger.js";

/** Options of the HTTP server. */
export interface HttpServerOptions {
  /** `host:port`; port 0 picks a free port. */
  listen: string;
  registry: Registry;
  /** Whether the monitor is ready to serve (config loaded, store open, scheduler running). */
  ready: () => boolean;
  logger?: Logger;
  /** Extra routes (the API) registered before the server listens. */
  routes?: (app: FastifyInstance) => void;
}

/** A running server. */
export interface HttpServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  url: string;
  /** The fastify instance, for routes added by the composition root before `listen`. */
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Splits `host:port`; an empty host means every interface. */
export function parseListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(":");
  const host = listen.slice(0, at).replace(/^\[|\]$/g, "") || "0.0.0.0";
  const port = Number(listen.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`listen must be host:port, got ${JSON.stringify(listen)}`);
  }
  return { host, port };
}

/** Builds the routes: /metrics, /healthz, /readyz. */
export function buildHttpApp(options: Omit<HttpServerOptions, "listen">): FastifyInstance {
  const app: FastifyInstance = options.logger
    ? // pino 10's Logger and fastify's bundled pino types differ only nominally. A child at
      // warn keeps per-request lines (info) out of the log without a deprecated option.
      Fastify({
        loggerInstance: options.logger.child(
          { component: "http" },
          { level: "warn" },
        ) as unknown as FastifyBaseLogger,
      })
    : Fastify({ logger: false });
  app.get("/metrics", async (req, reply) => {
    const body = await exposition(options.registry);
    reply.header("content-type", options.registry.contentType);
    if (!acceptsGzip(req.headers["accept-encoding"])) return reply.send(body);
    // Compressed off the event loop (zlib's thread pool), chunk by chunk as the text is written.
    // Level 1: the text repeats so much that it still shrinks ~10x, at a fraction of level 6's CPU.
    const gzip = pipeline(body, createGzip({ level: constants.Z_BEST_SPEED }), (err) => {
      if (err) req.log.warn({ err }, "metrics stream failed");
    });
    return reply.header("content-encoding", "gzip").send(gzip);
  });
  app.get("/healthz", async (_req, reply) => reply.send({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    const ready = options.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready" });
  });
  options.routes?.(app);
  return app;
}

/**
 * The exposition as a stream of its chunks. The first chunk is awaited here, so a scrape that
 * fails before any text (a collector that throws) is a 500, not a cut-off 200.
 */
async function exposition(registry: Registry): Promise<Readable> {
  const chunks = expositionChunks(registry);
  const first = await chunks.next();
  return Readable.from(
    (async function* () {
      if (first.done !== true) yield first.value;
      yield* chunks;
    })(),
  );
}

/** Whether an `Accept-Encoding` header accepts gzip (present, and not refused with `q=0`). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value.split(",").some((part) => {
    const [coding = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Starts the server and resolves once it listens. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { host, port } = parseListen(options.listen);
  const app = buildHttpApp(options);
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return { url: `http://${shownHost}:${bound}`, app, close: () => app.close() };
}
