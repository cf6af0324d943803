import type { OrgTarget } from "../config/target.js";
import { initialState, type OrgState } from "../domain/state.js";
import { connectionHash } from "./config-hash.js";
import { FleetIndex, type IndexedOrg } from "./fleet-index.js";

const HOUR_MS = 3_600_000;

/** One org as the running monitor holds it. */
export interface FleetEntry {
  target: OrgTarget;
  /** The state after the last recorded pass (committed or about to be). */
  state: OrgState;
  /** The connection hash of the target (computed once per target). */
  hash: string;
}

/** What the index reads of an entry. */
function indexed(target: OrgTarget, state: OrgState): IndexedOrg {
  return {
    id: target.id,
    name: target.name,
    tags: target.tags,
    state: state.state,
    cause: state.cause,
  };
}

/** Told when an org leaves the fleet, so schedules and metric series go with it. */
export type RemoveListener = (orgId: string) => void;

/**
 * The one owner of per-org runtime state: targets, their state (with the API usage facts), and
 * each user's recent logins as last seen in the ledger. Hot reload and org removal touch only
 * this: `add`, `replace` and `remove`. Every change also keeps `index` (by state, cause, tag and
 * word) true, so the API's queries read buckets instead of scanning the fleet.
 */
export class Fleet {
  /** The query indexes; read-only outside this class. */
  readonly index = new FleetIndex();
  private readonly entries = new Map<string, FleetEntry>();
  private readonly logins = new Map<string, number[]>();
  private readonly users = new Map<string, number>();
  private readonly removeListeners: RemoveListener[] = [];

  /** Adds an org with its stored state (or a fresh one); an id already present is replaced. */
  add(target: OrgTarget, state: OrgState | null = null): void {
    if (this.entries.has(target.id)) {
      this.replace(target);
      return;
    }
    const entry = { target, state: state ?? initialState(target.id), hash: connectionHash(target) };
    this.entries.set(target.id, entry);
    this.index.insert(indexed(entry.target, entry.state));
    this.users.set(target.username, (this.users.get(target.username) ?? 0) + 1);
  }

  /** Swaps an org's settings and keeps its state; the new connection hash is seen on its next pass. */
  replace(target: OrgTarget): void {
    const entry = this.entries.get(target.id);
    if (!entry) {
      this.add(target);
      return;
    }
    this.dropUser(entry.target.username);
    this.users.set(target.username, (this.users.get(target.username) ?? 0) + 1);
    this.entries.set(target.id, { ...entry, target, hash: connectionHash(target) });
    this.index.update(indexed(entry.target, entry.state), indexed(target, entry.state));
  }

  /** Removes an org and tells the listeners; false when it was not there. */
  remove(orgId: string): boolean {
    const entry = this.entries.get(orgId);
    if (!entry) return false;
    this.entries.delete(orgId);
    this.index.remove(indexed(entry.target, entry.state));
    this.dropUser(entry.target.username);
    for (const listener of this.removeListeners) listener(orgId);
    return true;
  }

  /** Registers a listener for removals. */
  onRemove(listener: RemoveListener): void {
    this.removeListeners.push(listener);
  }

  get(orgId: string): FleetEntry | undefined {
    return this.entries.get(orgId);
  }

  /** The org's id, name and tags (what alert routes and silences match), if it is configured. */
  identity(orgId: string): { id: string; name: string; tags: string[] } | undefined {
    const target = this.entries.get(orgId)?.target;
    return target ? { id: orgId, name: target.name, tags: target.tags } : undefined;
  }

  has(orgId: string): boolean {
    return this.entries.has(orgId);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Every org, in insertion order. */
  values(): IterableIterator<FleetEntry> {
    return this.entries.values();
  }

  /** Stores an org's state after a recorded pass. */
  setState(orgId: string, state: OrgState): void {
    const entry = this.entries.get(orgId);
    if (!entry) return;
    this.index.update(indexed(entry.target, entry.state), indexed(entry.target, state));
    entry.state = state;
  }

  /** Remembers a user's login window as the ledger last answered it. */
  noteLogins(username: string, times: number[]): void {
    this.logins.set(username, times);
  }

  /** A user's login times as the ledger last answered them (oldest first). */
  loginTimes(username: string): readonly number[] {
    return this.logins.get(username) ?? [];
  }

  /** Token requests seen for a user in the hour before `nowMs` (as of the last ledger answer). */
  loginsUsed(username: string, nowMs: number): number {
    const times = this.logins.get(username);
    if (!times) return 0;
    let n = 0;
    for (const t of times) if (t > nowMs - HOUR_MS) n += 1;
    return n;
  }

  private dropUser(username: string): void {
    const n = (this.users.get(username) ?? 1) - 1;
    if (n > 0) {
      this.users.set(username, n);
    } else {
      this.users.delete(username);
      this.logins.delete(username);
    }
  }
}
