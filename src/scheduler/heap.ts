/** A binary min-heap of (key, dueAt); stale entries are skipped by version, not removed. */
export class DueHeap {
  private items: { key: string; dueAt: number; version: number }[] = [];
  private readonly versions = new Map<string, number>();

  /** Number of keys scheduled (not counting stale entries). */
  get size(): number {
    return this.versions.size;
  }

  /** Schedules (or reschedules) a key. */
  set(key: string, dueAt: number): void {
    const version = (this.versions.get(key) ?? 0) + 1;
    this.versions.set(key, version);
    this.items.push({ key, dueAt, version });
    this.up(this.items.length - 1);
  }

  /** Unschedules a key. */
  delete(key: string): void {
    this.versions.delete(key);
  }

  /** The earliest live entry without removing it. */
  peek(): { key: string; dueAt: number } | undefined {
    this.dropStale();
    return this.items[0];
  }

  /** Removes and returns the earliest live entry. */
  pop(): { key: string; dueAt: number } | undefined {
    this.dropStale();
    const top = this.items[0];
    if (!top) return undefined;
    this.removeTop();
    this.versions.delete(top.key);
    return top;
  }

  private dropStale(): void {
    for (let top = this.items[0]; top; top = this.items[0]) {
      if (this.versions.get(top.key) === top.version) return;
      this.removeTop();
    }
  }

  private removeTop(): void {
    const last = this.items.pop();
    if (last && this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }

  private up(i: number): void {
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent]?.dueAt ?? 0) <= (items[i]?.dueAt ?? 0)) return;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const items = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < items.length && items[l]!.dueAt < items[min]!.dueAt) min = l;
      if (r < items.length && items[r]!.dueAt < items[min]!.dueAt) min = r;
      if (min === i) return;
      [items[min], items[i]] = [items[i]!, items[min]!];
      i = min;
    }
  }
}
