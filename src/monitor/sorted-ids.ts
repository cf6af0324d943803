/**
 * A set of strings that also walks them in order. Changes are cheap (they wait in small pending
 * sets); the first ordered walk after a change merges them in, so loading 100,000 orgs costs
 * one sort, not 100,000 array insertions, and a walk costs only what it reads.
 */
export class SortedIds {
  private sorted: string[] = [];
  private readonly members = new Set<string>();
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();

  /** How many members (exact, no walk). */
  get size(): number {
    return this.members.size;
  }

  has(key: string): boolean {
    return this.members.has(key);
  }

  add(key: string): void {
    if (this.members.has(key)) return;
    this.members.add(key);
    // Still in `sorted` when it was removed since the last merge: just forget the removal.
    if (!this.removed.delete(key)) this.added.add(key);
  }

  delete(key: string): void {
    if (!this.members.delete(key)) return;
    if (!this.added.delete(key)) this.removed.add(key);
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
    if (this.added.size === 0 && this.removed.size === 0) return this.sorted;
    const kept =
      this.removed.size === 0 ? this.sorted : this.sorted.filter((k) => !this.removed.has(k));
    const fresh = [...this.added].sort(compare);
    this.sorted = fresh.length === 0 ? kept : mergeSorted(kept, fresh);
    this.added.clear();
    this.removed.clear();
    return this.sorted;
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
