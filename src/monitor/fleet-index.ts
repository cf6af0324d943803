import type { CauseId } from "../domain/causes.js";
import type { OrgHealth } from "../domain/state.js";
import { SortedIds, SortedKeys } from "./sorted-ids.js";

/** What the index reads of an org: its id, name and tags, and its state and cause. */
export interface IndexedOrg {
  id: string;
  name: string;
  tags: readonly string[];
  state: OrgHealth;
  cause: CauseId | null;
}

const SEP = "\u0000";

/** The words of an org's id or name (or of a search text): lower case, split at anything else. */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/**
 * The fleet's small indexes, kept by `Fleet` on every add, replace, remove and state change:
 * every id in order, ids by state, by cause and by tag, and the words of ids and names (for
 * word-prefix text search). Counts per bucket are exact without a walk.
 */
export class FleetIndex {
  readonly all = new SortedIds();
  private readonly states = new Map<OrgHealth, SortedIds>();
  private readonly causes = new Map<CauseId, SortedIds>();
  private readonly tags = new Map<string, SortedIds>();
  /** `word \0 id` for every word of every org's id and name. */
  private readonly words = new SortedKeys();

  /** Indexes a new org. */
  insert(org: IndexedOrg): void {
    this.all.add(org.id);
    bucket(this.states, org.state).add(org.id);
    if (org.cause !== null) bucket(this.causes, org.cause).add(org.id);
    for (const tag of org.tags) bucket(this.tags, tag).add(org.id);
    for (const w of this.wordKeys(org)) this.words.add(w);
  }

  /** Forgets an org. */
  remove(org: IndexedOrg): void {
    this.all.delete(org.id);
    unbucket(this.states, org.state, org.id);
    if (org.cause !== null) unbucket(this.causes, org.cause, org.id);
    for (const tag of org.tags) unbucket(this.tags, tag, org.id);
    for (const w of this.wordKeys(org)) this.words.delete(w);
  }

  /** Moves an org between buckets after a change; touches only what changed. */
  update(before: IndexedOrg, after: IndexedOrg): void {
    const id = after.id;
    if (before.state !== after.state) {
      unbucket(this.states, before.state, id);
      bucket(this.states, after.state).add(id);
    }
    if (before.cause !== after.cause) {
      if (before.cause !== null) unbucket(this.causes, before.cause, id);
      if (after.cause !== null) bucket(this.causes, after.cause).add(id);
    }
    if (before.tags !== after.tags) {
      for (const tag of before.tags) if (!after.tags.includes(tag)) unbucket(this.tags, tag, id);
      for (const tag of after.tags) bucket(this.tags, tag).add(id);
    }
    if (before.name !== after.name) {
      for (const w of this.wordKeys(before)) this.words.delete(w);
      for (const w of this.wordKeys(after)) this.words.add(w);
    }
  }

  /** The orgs in a state (empty when none). */
  byState(state: OrgHealth): SortedIds {
    return this.states.get(state) ?? EMPTY;
  }

  /** The orgs whose current cause is this one (empty when none). */
  byCause(cause: CauseId): SortedIds {
    return this.causes.get(cause) ?? EMPTY;
  }

  /** The orgs carrying this tag (empty when none). */
  byTag(tag: string): SortedIds {
    return this.tags.get(tag) ?? EMPTY;
  }

  /** Exact count per state. */
  stateCounts(): Map<OrgHealth, number> {
    return new Map([...this.states].map(([k, v]) => [k, v.size]));
  }

  /** Exact count per current cause (causes with no org left out). */
  causeCounts(): Map<CauseId, number> {
    return new Map([...this.causes].filter(([, v]) => v.size > 0).map(([k, v]) => [k, v.size]));
  }

  /**
   * The ids with a word of their id or name starting with `prefix`, or null as soon as more
   * than `cap` index entries match (the caller then tests its candidates instead). `visit` is
   * told of each entry read (the tests count them).
   */
  wordMatches(prefix: string, cap: number, visit: () => void): Set<string> | null {
    const ids = new Set<string>();
    let read = 0;
    for (const key of this.words.walk({ from: prefix })) {
      visit();
      if (!key.startsWith(prefix)) break;
      if (++read > cap) return null;
      ids.add(key.slice(key.indexOf(SEP) + 1));
    }
    return ids;
  }

  private wordKeys(org: IndexedOrg): Set<string> {
    return new Set([...wordsOf(org.id), ...wordsOf(org.name)].map((w) => `${w}${SEP}${org.id}`));
  }
}

const EMPTY = new SortedIds();

function bucket<K>(map: Map<K, SortedIds>, key: K): SortedIds {
  let ids = map.get(key);
  if (!ids) {
    ids = new SortedIds();
    map.set(key, ids);
  }
  return ids;
}

function unbucket<K>(map: Map<K, SortedIds>, key: K, id: string): void {
  const ids = map.get(key);
  if (!ids) return;
  ids.delete(id);
  // Tags come and go with the config; an emptied bucket must not linger as a count of 0.
  if (ids.size === 0) map.delete(key);
}
