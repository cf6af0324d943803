import type { FastifyInstance } from "fastify";
import type { LoadedConfig } from "../config/load.js";
import type { ApiMonitor } from "../http/api.js";
import { registerPage } from "../http/page.js";
import type { Fleet } from "../monitor/fleet.js";
import { fleetSummary, queryOrgs } from "../monitor/fleet-query.js";
import type { Clock } from "../platform/clock.js";
import type { SqliteHistoryStore } from "../store/index.js";

/** What the status page is built from: the API's view of the monitor, the history, the config. */
export interface StatusPageDeps {
  api: ApiMonitor;
  store: SqliteHistoryStore;
  config: LoadedConfig;
  clock: Clock;
  fleet: Fleet;
}

/** The auth settings the API hook and the page share (`server.apiToken`, `server.shareSecret`). */
export function accessSettings(deps: Pick<StatusPageDeps, "config" | "clock">): {
  apiToken: string | null;
  shareSecret: string | null;
  now: () => number;
} {
  const server = deps.config.top.server;
  return {
    apiToken: server.apiToken ?? null,
    shareSecret: server.shareSecret?.reveal() ?? null,
    now: () => deps.clock.now(),
  };
}

/** Registers the status page (`/`, `/orgs/{id}`, `/share/{token}`, `/login`) on the server. */
export function registerStatusPage(app: FastifyInstance, deps: StatusPageDeps): void {
  const { api, store, config, clock, fleet } = deps;
  registerPage(app, {
    source: {
      org: (id) => api.org(id),
      checks: (id, limit) => store.recentChecks(id, limit),
      incidents: (id, limit) => store.incidentsOf(id, limit),
      summary: () => fleetSummary(fleet),
      list: (query) => queryOrgs(fleet, query),
    },
    apiToken: config.top.server.apiToken ?? null,
    secureCookie: config.top.server.publicUrl?.startsWith("https://") ?? false,
    now: () => clock.now(),
  });
}
