import type { KeyStatus } from "../config/keys.js";
import type { OrgTarget } from "../config/target.js";
import type { Scheduler } from "../scheduler/types.js";
import type { OrgRetirement, StateStore } from "../store/types.js";
import { publicKeyDer } from "./config-hash.js";
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

/**
 * Whether two plain objects hold equal values under the same set keys (an undefined field counts
 * as absent), skipping `skip`. Loops without building key arrays: a reload compares 100,000.
 */
function sameFields(x: object, y: object, skip?: string): boolean {
  const a = x as Record<string, unknown>;
  const b = y as Record<string, unknown>;
  let n = 0;
  for (const k in a) {
    if (k === skip || a[k] === undefined) continue;
    n += 1;
    if (!sameValue(a[k], b[k])) return false;
  }
  for (const k in b) if (k !== skip && b[k] !== undefined) n -= 1;
  return n === 0;
}

/** Deep equality of loaded config values: primitives, arrays and plain objects. */
function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  return sameFields(x, y);
}

function sameKey(a: KeyStatus, b: KeyStatus): boolean {
  if (!a.ok || !b.ok) return !a.ok && !b.ok && a.problem === b.problem;
  return a.bits === b.bits && (a.key === b.key || publicKeyDer(a.key).equals(publicKeyDer(b.key)));
}

/**
 * Whether a freshly loaded target behaves exactly like the running one: every setting equal,
 * the key by its public half (a reload reads each key file again into a new object). Compared
 * field by field: hashing a JSON text of each of 100,000 targets took half a reload's time.
 */
export function sameTarget(a: OrgTarget, b: OrgTarget): boolean {
  return sameFields(a, b, "key") && sameKey(a.key, b.key);
}

/** Compares the running fleet with a freshly loaded org list. */
export function planOrgChanges(fleet: Fleet, next: readonly OrgTarget[]): OrgChanges {
  const ids = new Set(next.map((t) => t.id));
  const added: OrgTarget[] = [];
  const changed: OrgTarget[] = [];
  for (const target of next) {
    const entry = fleet.get(target.id);
    if (!entry) added.push(target);
    else if (!sameTarget(entry.target, target)) changed.push(target);
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
