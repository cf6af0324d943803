import type { OrgTarget } from "../config/target.js";
import type { Scheduler } from "../scheduler/types.js";
import type { OrgRetirement, StateStore } from "../store/types.js";
import { connectionHash } from "./config-hash.js";
import type { Fleet } from "./fleet.js";
import { resumeCheckAt } from "./schedule.js";

/** How a new org list differs from the running fleet. */
export interface OrgChanges {
  added: OrgTarget[];
  changed: OrgTarget[];
  removed: string[];
}

/** What a reload did (the `/-/reload` answer and the log line), or why it was refused. */
export type ReloadOutcome =
  | {
      ok: true;
      added: string[];
      changed: string[];
      removed: string[];
      /** Restart-only fields that changed; they keep their running values until a restart. */
      restartNeeded: string[];
    }
  | {
      ok: false;
      error: string;
      /** Field-level problems: the included file (if any), the YAML path and the fix. */
      problems: { file?: string; path: string; message: string }[];
    };

/** Everything a target's behaviour depends on; the key counts by its public half. */
function fingerprint(target: OrgTarget): string {
  // Secret prints as "<secret>", so the key counts through the connection hash (public key).
  return `${connectionHash(target)}\n${JSON.stringify(target)}`;
}

/** Compares the running fleet with a freshly loaded org list. */
export function planOrgChanges(fleet: Fleet, next: readonly OrgTarget[]): OrgChanges {
  const ids = new Set(next.map((t) => t.id));
  const added: OrgTarget[] = [];
  const changed: OrgTarget[] = [];
  for (const target of next) {
    const entry = fleet.get(target.id);
    if (!entry) added.push(target);
    else if (fingerprint(entry.target) !== fingerprint(target)) changed.push(target);
  }
  const removed: string[] = [];
  for (const { target } of fleet.values()) if (!ids.has(target.id)) removed.push(target.id);
  return { added, changed, removed };
}

/** What applying org changes touches. */
export interface ApplyDeps {
  fleet: Fleet;
  scheduler: Pick<Scheduler, "schedule">;
  store: OrgRetirement & Pick<StateStore, "getOrgState">;
  /** Commits passes still queued, so none lands after a removed org's incident closed. */
  flushPasses: () => void;
  now: number;
}

/**
 * Applies org changes through the fleet, keeping state: a new org is scheduled on a spread slot
 * (with its stored facts, if it was here before); a changed one keeps its state, history and
 * slot (new settings from its next pass); a removed one is unscheduled and its series dropped
 * (the fleet's removal listeners), then its open incident is closed with a note through the
 * store and outbox, so alerting resolves its threads exactly once.
 */
export function applyOrgChanges(changes: OrgChanges, deps: ApplyDeps): void {
  const { fleet, now } = deps;
  for (const target of changes.changed) fleet.replace(target);
  for (const id of changes.removed) fleet.remove(id);
  if (changes.removed.length > 0) {
    deps.flushPasses();
    const at = new Date(now).toISOString();
    for (const id of changes.removed) {
      deps.store.retireOrg(
        id,
        now,
        `${id} was removed from the orgwatch config at ${at}; it is no longer checked, so this incident is closed without a recovery.`,
      );
    }
  }
  for (const target of changes.added) {
    const stored = deps.store.getOrgState(target.id);
    fleet.add(target, stored);
    const at = resumeCheckAt(target.id, target.interval, null, now);
    deps.scheduler.schedule({ name: "check-org", id: target.id }, at);
    const state = fleet.get(target.id)?.state;
    if (state) fleet.setState(target.id, { ...state, nextCheckAt: new Date(at).toISOString() });
  }
}
