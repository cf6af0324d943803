import { watch, type FSWatcher } from "node:fs";

/** Names worth a look: config documents (the history database and editors' swap files are not). */
const CONFIG_NAME = /\.(ya?ml|json)$/i;

/**
 * Watches folders for changes to config documents and calls `onChange` once things settle
 * (`debounceMs` after the last event: an editor's save is several events). Folders rather than
 * files: an editor that saves by renaming a new file over the old one replaces the inode a file
 * watch would hold.
 */
export class ConfigWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onChange: () => void,
    private readonly onError: (dir: string, code: string) => void,
    private readonly debounceMs = 300,
  ) {}

  /** Watches exactly these folders (opening new ones, closing those no longer named). */
  watch(dirs: readonly { dir: string; recursive: boolean }[]): void {
    const wanted = new Map(dirs.map((d) => [`${d.dir}\0${String(d.recursive)}`, d]));
    for (const [key, watcher] of this.watchers) {
      if (!wanted.has(key)) {
        watcher.close();
        this.watchers.delete(key);
      }
    }
    for (const [key, d] of wanted) {
      if (this.watchers.has(key)) continue;
      try {
        const watcher = watch(d.dir, { recursive: d.recursive, persistent: false }, (_e, name) => {
          if (name === null || CONFIG_NAME.test(name)) this.poke();
        });
        watcher.on("error", (err: NodeJS.ErrnoException) => {
          this.onError(d.dir, err.code ?? "error");
          watcher.close();
          this.watchers.delete(key);
        });
        this.watchers.set(key, watcher);
      } catch (err) {
        // A folder that does not exist yet is looked for again after the next reload.
        this.onError(d.dir, (err as NodeJS.ErrnoException).code ?? "error");
      }
    }
  }

  private poke(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, this.debounceMs);
  }

  /** Stops watching. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
