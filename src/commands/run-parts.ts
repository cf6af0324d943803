import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { AlertEngine } from "../alerting/engine.js";
import type { Notifier } from "../alerting/types.js";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { registerApi, type ApiMonitor, type ApiOptions } from "../http/api.js";
import { startHttpServer, type HttpServer } from "../http/server.js";
import { createAlertingMetrics } from "../metrics/index.js";
import type { Fleet } from "../monitor/fleet.js";
import type { Clock } from "../platform/clock.js";
import { OrgwatchError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import { openStore, type SqliteHistoryStore } from "../store/index.js";
import { orgPageOf, slackButtonsOn } from "./alerting-setup.js";
import { reportConfig } from "./config-check.js";
import { diagnosticsFor } from "./diagnostics.js";
import type { CommandIo } from "./io.js";

/** Loads and reports a config; null (after the report) when it is unusable. */
export function load(file: string, io: CommandIo): LoadedConfig | null {
  try {
    const config = loadConfig(file, io.env);
    return reportConfig(config, io) === 2 ? null : config;
  } catch (err) {
    if (err instanceof OrgwatchError) {
      diagnosticsFor(io).error(err.message, err.code);
      return null;
    }
    throw err;
  }
}

/** Opens the history, or says in one line which path failed and what to do. */
export function openStoreOrExplain(path: string): SqliteHistoryStore {
  try {
    return openStore(path);
  } catch (err) {
    if (err instanceof OrgwatchError) throw err;
    const code = (err as { code?: unknown }).code;
    const why = typeof code === "string" ? code : err instanceof Error ? err.message : "error";
    throw new OrgwatchError(
      "STORAGE_UNUSABLE",
      `storage.sqlite ${path}: cannot open the history (${why}); make its folder writable for this user, stop the other process holding it, or set storage.sqlite to another path`,
      { cause: err },
    );
  }
}

/** The alerting engine over the store's outbox, or null when no notifier is configured. */
export function buildAlerting(
  config: LoadedConfig,
  deps: {
    store: SqliteHistoryStore;
    fleet: Fleet;
    clock: Clock;
    logger: Logger;
    registry: Registry;
    mayAct: () => boolean;
    /** Built once by the caller: Slack buttons reply through the same notifiers. */
    notifiers: Notifier[];
  },
): AlertEngine | null {
  const { store, fleet, clock, logger, registry, notifiers } = deps;
  if (notifiers.length === 0) return null;
  const orgPage = orgPageOf(config);
  return new AlertEngine({
    config: config.alerting,
    notifiers,
    log: store.alerts,
    silences: store.silences,
    sources: store,
    org: (id) => fleet.identity(id),
    clock,
    logger,
    mayAct: deps.mayAct,
    metrics: createAlertingMetrics(
      registry,
      notifiers.map((n) => n.name),
    ),
    links: { ...(orgPage ? { orgPage } : {}), buttons: slackButtonsOn(config) },
  });
}

/** Starts the HTTP server, or says in one line why it cannot listen there. */
export async function listenOrExplain(opts: {
  listen: string;
  registry: Registry;
  ready: () => boolean;
  logger: Logger;
  api: ApiMonitor;
  /** The API token, share secret and clock the one auth hook decides with. */
  access: Pick<ApiOptions, "apiToken" | "shareSecret" | "now">;
  /** The status page's routes, registered after the API (so behind its auth hook). */
  page?: (app: FastifyInstance) => void;
}): Promise<HttpServer> {
  try {
    return await startHttpServer({
      listen: opts.listen,
      registry: opts.registry,
      ready: opts.ready,
      logger: opts.logger,
      routes: (app) => {
        registerApi(app, { monitor: opts.api, ...opts.access });
        opts.page?.(app);
      },
    });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why =
      code === "EADDRINUSE"
        ? "the address is in use; stop the other process or choose another port"
        : code === "EACCES"
          ? "not allowed to listen there; use a port above 1023 or another address"
          : `cannot listen (${typeof code === "string" ? code : "error"})`;
    throw new OrgwatchError("LISTEN_FAILED", `server.listen ${opts.listen}: ${why}`, {
      cause: err,
    });
  }
}
