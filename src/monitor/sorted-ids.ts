/**
 * Strings walked in order. Changes are cheap (they wait in a pending list); the first ordered
 * walk after a change merges them in, so loading 100,000 orgs costs one sort, not 100,000 array
 * insertions, and a walk costs only what it reads. It keeps no membership set, so the caller
 * must add a key only when absent and delete it only when present (the word index does).
 */
export class SortedKeys {
  private sorted: string[] = [];
  /** Added since the last merge (may hold keys removed again: `removed` filters them). */
  private added: string[] = [];
  private readonly removed = new Set<string>();

  add(key: string): void {
    // Still in `sorted` (or `added`) when it was removed since the last merge: forget the removal.
    if (!this.removed.delete(key)) this.added.push(key);
  }

  delete(key: string): void {
    this.removed.add(key);
  }

  /** The members in order, starting after `after` (exclusive) or at `from` (inclusive). */
  *walk(start: { after?: string; from?: string } = {}): Generator<string> {
    const keys = this.merged();
    let i = 0;
    if (start.after !== undefined) i = upperBound(keys, start.after);
    else if (start.from !== undefined) i = lowerBound(keys, start.from);
    // A change made while walking merges into a fresh array; this walk keeps reading its own.
    for (; i < keys.length; i += 1) yield keys[i] as string;
  }

  private merged(): string[] {
    if (this.added.length === 0 && this.removed.size === 0) return this.sorted;
    const gone = this.removed;
    const kept = gone.size === 0 ? this.sorted : this.sorted.filter((k) => !gone.has(k));
    const fresh = (gone.size === 0 ? this.added : this.added.filter((k) => !gone.has(k))).sort(
      compare,
    );
    this.sorted = fresh.length === 0 ? kept : mergeSorted(kept, fresh);
    this.added = [];
    gone.clear();
    return this.sorted;
  }
}

/** A set of strings that also walks them in order, with exact membership and size. */
export class SortedIds extends SortedKeys {
  private readonly members = new Set<string>();

  /** How many members (exact, no walk). */
  get size(): number {
    return this.members.size;
  }

  has(key: string): boolean {
    return this.members.has(key);
  }

  override add(key: string): void {
    const before = this.members.size;
    if (this.members.add(key).size !== before) super.add(key);
  }

  override delete(key: string): void {
    if (this.members.delete(key)) super.delete(key);
  }
}

/** Code-unit order, the same everywhere (no locale): cursors must mean one place. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function mergeSorted(a: string[], b: string[]): string[] {
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (x < y) {
      out[k++] = x;
      i += 1;
    } else {
      out[k++] = y;
      j += 1;
    }
  }
  while (i < a.length) out[k++] = a[i++] as string;
  while (j < b.length) out[k++] = b[j++] as string;
  return out;
}

/** First index whose key is >= `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > `key`. */
function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
