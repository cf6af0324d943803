interface Entry {
  key: string;
  dueAt: number;
  version: number;
}

/**
 * A binary min-heap of (key, dueAt). A reschedule pushes a new entry and leaves the old one
 * stale; versions come from one counter that only grows, so a stale entry can never match a key
 * set again later (reusing per-key versions revived stale entries and doubled schedules). Stale
 * entries are compacted away once they outnumber the live ones.
 */
export class DueHeap {
  private items: Entry[] = [];
  private readonly versions = new Map<string, number>();
  private seq = 0;

  /** Number of keys scheduled (not counting stale entries). */
  get size(): number {
    return this.versions.size;
  }

  /** Entries held, stale ones included (bounded by about twice the live keys). */
  get capacity(): number {
    return this.items.length;
  }

  /** Whether a key is scheduled. */
  has(key: string): boolean {
    return this.versions.has(key);
  }

  /** Schedules (or reschedules) a key. */
  set(key: string, dueAt: number): void {
    this.seq += 1;
    this.versions.set(key, this.seq);
    this.items.push({ key, dueAt, version: this.seq });
    this.up(this.items.length - 1);
    this.compactIfStale();
  }

  /** Unschedules a key. */
  delete(key: string): void {
    this.versions.delete(key);
    this.compactIfStale();
  }

  /** The earliest live entry without removing it. */
  peek(): { key: string; dueAt: number } | undefined {
    this.dropStale();
    const top = this.items[0];
    return top ? { key: top.key, dueAt: top.dueAt } : undefined;
  }

  /** Removes and returns the earliest live entry. */
  pop(): { key: string; dueAt: number } | undefined {
    this.dropStale();
    const top = this.items[0];
    if (!top) return undefined;
    this.removeTop();
    this.versions.delete(top.key);
    return { key: top.key, dueAt: top.dueAt };
  }

  private isLive(entry: Entry): boolean {
    return this.versions.get(entry.key) === entry.version;
  }

  private dropStale(): void {
    for (let top = this.items[0]; top; top = this.items[0]) {
      if (this.isLive(top)) return;
      this.removeTop();
    }
  }

  /** Rebuilds the heap from live entries when stale ones are the majority (O(n), amortised). */
  private compactIfStale(): void {
    if (this.items.length < 64 || this.items.length <= 2 * this.versions.size) return;
    this.items = this.items.filter((e) => this.isLive(e));
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private removeTop(): void {
    const last = this.items.pop();
    if (last && this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }

  private swap(a: number, b: number): void {
    const items = this.items;
    const x = items[a];
    const y = items[b];
    if (x === undefined || y === undefined) return;
    items[a] = y;
    items[b] = x;
  }

  private due(i: number): number {
    return this.items[i]?.dueAt ?? Number.POSITIVE_INFINITY;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.due(parent) <= this.due(i)) return;
      this.swap(parent, i);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.due(l) < this.due(min)) min = l;
      if (r < n && this.due(r) < this.due(min)) min = r;
      if (min === i) return;
      this.swap(min, i);
      i = min;
    }
  }
}
