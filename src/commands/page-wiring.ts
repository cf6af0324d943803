import type { FastifyInstance } from "fastify";
import type { LoadedConfig } from "../config/load.js";
import type { ApiMonitor } from "../http/api.js";
import { registerPage } from "../http/page.js";
import { pageBasePath } from "../http/page-html.js";
import type { Clock } from "../platform/clock.js";

/** What the status page is built from: the API's view of the monitor, and the config. */
export interface StatusPageDeps {
  api: ApiMonitor;
  config: LoadedConfig;
  clock: Clock;
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
  const { api, config, clock } = deps;
  registerPage(app, {
    source: { org: (id) => api.org(id), summary: () => api.summary(), list: (q) => api.orgs(q) },
    apiToken: config.top.server.apiToken ?? null,
    secureCookie: config.top.server.publicUrl?.startsWith("https://") ?? false,
    basePath: pageBasePath(config.top.server.publicUrl),
    now: () => clock.now(),
  });
}
