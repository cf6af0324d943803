import { CAUSE_IDS, type CauseId } from "../domain/causes.js";
import type { OrgHealth } from "../domain/state.js";
import type { Fleet, FleetEntry } from "./fleet.js";
import { wordsOf } from "./fleet-index.js";
import type { SortedIds } from "./sorted-ids.js";
import type { OrgStatus } from "./views.js";
import { OrgwatchError } from "../platform/errors.js";

/** One org in a list: what a fleet table shows, never settings or secrets. */
export type OrgSummary = Pick<
  OrgStatus,
  "id" | "name" | "tags" | "state" | "cause" | "since" | "lastCheckAt" | "nextCheckAt"
>;

/** A list request: every filter given must hold (AND); `text` matches word prefixes of id and name. */
export interface OrgQuery {
  state?: OrgHealth;
  cause?: CauseId;
  tag?: string;
  text?: string;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
  limit: number;
}

/** One page of orgs in id order. */
export interface OrgPage {
  items: OrgSummary[];
  /** Null on the last page. */
  nextCursor: string | null;
  /** Every org matching the filters, on all pages. */
  total: number;
  /** Index entries the query read (what the tests count; never the whole fleet for a filter). */
  scanned: number;
}

/** Exact counts of the fleet by state and by current cause. */
export interface FleetSummary {
  total: number;
  byState: Record<OrgHealth, number>;
  /** Causes with at least one org, most orgs first (then by id). */
  byCause: { cause: CauseId; count: number }[];
}

const CURSOR_PREFIX = "o1:";
/** The largest page a query returns. */
export const MAX_PAGE = 500;

/** An opaque cursor for "after this org id". */
export function encodeCursor(afterId: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${afterId}`, "utf8").toString("base64url");
}

/** The org id a cursor points after, or null when it is not a cursor of ours. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  return text.startsWith(CURSOR_PREFIX) && text.length > CURSOR_PREFIX.length
    ? text.slice(CURSOR_PREFIX.length)
    : null;
}

/** Whether a string is a cause id. */
export function isCauseId(value: string): value is CauseId {
  return (CAUSE_IDS as readonly string[]).includes(value);
}

/** The list view of one fleet entry. */
export function orgSummaryOf(entry: FleetEntry): OrgSummary {
  const { target, state } = entry;
  return {
    id: target.id,
    name: target.name,
    tags: target.tags,
    state: state.state,
    cause: state.cause,
    since: state.stateSince,
    lastCheckAt: state.lastCheckAt,
    nextCheckAt: state.nextCheckAt,
  };
}

/** The distinct words of a search text, longest (most selective) first. */
function textTerms(text: string): string[] {
  return [...new Set(wordsOf(text))].sort((a, b) => b.length - a.length);
}

/** Whether every term starts a word of the org's id or name. */
function matchesWords(entry: FleetEntry | undefined, terms: readonly string[]): boolean {
  if (!entry) return false;
  const words = [...wordsOf(entry.target.id), ...wordsOf(entry.target.name)];
  return terms.every((t) => words.some((w) => w.startsWith(t)));
}

/** Where a query walks: an ordered source and its exact size. */
interface Driver {
  size: number;
  walk(after: string | undefined): Iterable<string>;
}

const sortedDriver = (ids: SortedIds): Driver => ({
  size: ids.size,
  walk: (after) => ids.walk(after === undefined ? {} : { after }),
});

function arrayDriver(ids: Set<string>): Driver {
  const sorted = [...ids].sort();
  return {
    size: sorted.length,
    walk: (after) => (after === undefined ? sorted : sorted.filter((id) => id > after)),
  };
}

/**
 * One page of orgs matching the filters, in id order. The smallest index bucket among the
 * filters drives the walk and the others are membership tests, so a filtered page reads at most
 * that bucket, and a page with one filter (or none) reads only the page itself. Throws on a
 * cursor that is not ours (the API checks it first and answers 400).
 */
export function queryOrgs(fleet: Fleet, query: OrgQuery): OrgPage {
  const index = fleet.index;
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(query.limit)));
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (after === null) throw new OrgwatchError("USAGE", "cursor: not a cursor from this API");
  let scanned = 0;
  const sets: SortedIds[] = [];
  if (query.state !== undefined) sets.push(index.byState(query.state));
  if (query.cause !== undefined) sets.push(index.byCause(query.cause));
  if (query.tag !== undefined) sets.push(index.byTag(query.tag));
  sets.sort((a, b) => a.size - b.size);
  const terms = query.text === undefined ? [] : textTerms(query.text);
  const smallest = sets[0];
  // The most selective word (the longest) is looked up while it matches fewer orgs than the
  // smallest bucket holds; every other word, and a word that would match more, is a test.
  const first = terms[0];
  const text =
    first === undefined
      ? null
      : index.wordMatches(first, smallest?.size ?? Infinity, () => (scanned += 1));
  let driver: Driver;
  const tests: ((id: string) => boolean)[] = [];
  if (text !== null) {
    driver = arrayDriver(text);
    for (const s of sets) tests.push((id) => s.has(id));
  } else {
    driver = sortedDriver(smallest ?? index.all);
    for (const s of sets.slice(1)) tests.push((id) => s.has(id));
  }
  const rest = text === null ? terms : terms.slice(1);
  if (rest.length > 0) tests.push((id) => matchesWords(fleet.get(id), rest));
  const ids: string[] = [];
  let total = driver.size;
  let more = false;
  if (tests.length === 0) {
    // The driver alone is the answer: read the page and one more to know whether one follows.
    for (const id of driver.walk(after)) {
      scanned += 1;
      if (ids.length === limit) {
        more = true;
        break;
      }
      ids.push(id);
    }
  } else {
    // The total needs every driver id tested; the page is collected on the way.
    total = 0;
    for (const id of driver.walk(undefined)) {
      scanned += 1;
      if (!tests.every((t) => t(id))) continue;
      total += 1;
      if (after !== undefined && id <= after) continue;
      if (ids.length < limit) ids.push(id);
      else more = true;
    }
  }
  const items = ids.flatMap((id) => {
    const entry = fleet.get(id);
    return entry ? [orgSummaryOf(entry)] : [];
  });
  const last = ids[ids.length - 1];
  return {
    items,
    nextCursor: more && last !== undefined ? encodeCursor(last) : null,
    total,
    scanned,
  };
}

/** Exact counts by state and by current cause, read from the index sizes (no walk). */
export function fleetSummary(fleet: Fleet): FleetSummary {
  const states = fleet.index.stateCounts();
  const byCause = [...fleet.index.causeCounts()]
    .map(([cause, count]) => ({ cause, count }))
    .sort((a, b) => b.count - a.count || (a.cause < b.cause ? -1 : 1));
  return {
    total: fleet.size,
    byState: {
      unknown: states.get("unknown") ?? 0,
      healthy: states.get("healthy") ?? 0,
      unhealthy: states.get("unhealthy") ?? 0,
    },
    byCause,
  };
}
