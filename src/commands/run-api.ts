import { createSilence } from "../alerting/silences.js";
import type { ApiMonitor } from "../http/api.js";
import { silenceViewOf } from "../http/api-silences.js";
import type { Fleet } from "../monitor/fleet.js";
import { fleetSummary, queryOrgs } from "../monitor/fleet-query.js";
import { orgDetailOf } from "../monitor/org-detail.js";
import { loginFreeAt } from "../monitor/views.js";
import type { Clock } from "../platform/clock.js";
import type { Scheduler } from "../scheduler/types.js";
import type { SqliteHistoryStore } from "../store/index.js";

/** How long ended silences stay listed (Alertmanager keeps them five days). */
const ENDED_SILENCES_SHOWN_MS = 5 * 24 * 3_600_000;

/** The API's view of the running monitor: reads from the fleet and the history, acts through the scheduler. */
export function buildApiMonitor(deps: {
  fleet: Fleet;
  store: SqliteHistoryStore;
  scheduler: Scheduler;
  clock: Clock;
}): ApiMonitor {
  const { fleet, store, scheduler, clock } = deps;
  return {
    org: (id) => {
      const entry = fleet.get(id);
      return entry ? orgDetailOf(entry, store) : null;
    },
    orgs: (query) => queryOrgs(fleet, query),
    summary: () => fleetSummary(fleet),
    checkNow: (id) => {
      const entry = fleet.get(id);
      if (!entry) return { kind: "unknown" };
      const now = clock.now();
      const { username, loginBudgetPerHour } = entry.target;
      const freeAt = loginFreeAt(fleet.loginTimes(username), loginBudgetPerHour, now);
      if (freeAt !== null) {
        return {
          kind: "budget",
          retryAt: new Date(freeAt).toISOString(),
          retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)),
        };
      }
      return { kind: scheduler.trigger({ name: "check-org", id }) };
    },
    silences: {
      silences: () => {
        const now = clock.now();
        return store.silences
          .silencesSince(now - ENDED_SILENCES_SHOWN_MS)
          .map((s) => silenceViewOf(s, now));
      },
      create: (req) => {
        const now = clock.now();
        const r = createSilence(store.silences, req, now);
        return r.ok ? { ok: true, silence: silenceViewOf(r.silence, now) } : r;
      },
      expire: (id) => {
        const now = clock.now();
        const s = store.silences.expireSilence(id, now);
        return s ? silenceViewOf(s, now) : null;
      },
    },
  };
}
