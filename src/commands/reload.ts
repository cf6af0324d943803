import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { restartOnlyChanges } from "../config/diff.js";
import { includeWatchDirs } from "../config/include.js";
import { loadConfig, problemLine, type LoadedConfig } from "../config/load.js";
import type { AlertEngine } from "../alerting/engine.js";
import type { ReloadMetrics } from "../metrics/index.js";
import type { Fleet } from "../monitor/fleet.js";
import { applyOrgChanges, planOrgChanges, type ReloadOutcome } from "../monitor/reload.js";
import type { Clock } from "../platform/clock.js";
import { OrgwatchError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { Scheduler } from "../scheduler/types.js";
import type { SqliteHistoryStore } from "../store/index.js";
import { ConfigWatcher } from "./watch.js";

/** What set off a reload (a log field). */
export type ReloadTrigger = "SIGHUP" | "http" | "file";

/** What the reloader changes in the running monitor. */
export interface ReloaderDeps {
  configFile: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The config the monitor started with: restart-only fields are compared with it. */
  started: LoadedConfig;
  fleet: Fleet;
  scheduler: Pick<Scheduler, "schedule">;
  store: SqliteHistoryStore;
  flushPasses: () => void;
  alerting: AlertEngine | null;
  metrics: ReloadMetrics;
  clock: Clock;
  logger: Logger;
}

/** A digest of every file a config was read from, to tell a real change from a touch. */
function filesDigest(files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file);
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update("\0missing");
    }
  }
  return hash.digest("hex");
}

/**
 * Hot reload: SIGHUP, `POST /-/reload` and a change of the config or an included file
 * re-validate the config. A valid one is applied through the fleet (and the alerting engine's
 * routes and silences); an invalid one is refused with its field-level problems and the last
 * good config keeps running. A broken org entry refuses the whole reload (at start it is only
 * skipped): applying the rest would remove that org and close its incident over a typo.
 */
export class Reloader {
  private watcher: ConfigWatcher | null = null;
  /** The last config applied (the started one until a reload succeeds). */
  private current: LoadedConfig;
  /** What the files held at the last attempt, so a touch or a second event does nothing. */
  private lastDigest: string;

  constructor(private readonly deps: ReloaderDeps) {
    this.current = deps.started;
    this.lastDigest = filesDigest(deps.started.files);
  }

  /** The start counts as a successful load (Prometheus does the same). */
  markStarted(): void {
    this.deps.metrics.reloaded(true, this.deps.clock.now());
  }

  /** Re-reads the config and applies it, or refuses it; logs and sets the reload metrics. */
  reload(trigger: ReloadTrigger): ReloadOutcome {
    return this.finish(trigger, this.load());
  }

  /** A file event: reloads when what the files hold (new glob matches included) changed. */
  private onFileEvent(): void {
    const loaded = this.load();
    const files = loaded instanceof OrgwatchError ? this.current.files : loaded.files;
    if (filesDigest(files) === this.lastDigest) return;
    this.finish("file", loaded);
  }

  private load(): LoadedConfig | OrgwatchError {
    try {
      return loadConfig(this.deps.configFile, this.deps.env);
    } catch (err) {
      if (err instanceof OrgwatchError) return err;
      throw err;
    }
  }

  private finish(trigger: ReloadTrigger, loaded: LoadedConfig | OrgwatchError): ReloadOutcome {
    const { logger, clock } = this.deps;
    const now = clock.now();
    this.lastDigest = filesDigest(
      loaded instanceof OrgwatchError ? this.current.files : loaded.files,
    );
    const outcome = this.apply(loaded, now);
    this.deps.metrics.reloaded(outcome.ok, now);
    if (!outcome.ok) {
      for (const p of outcome.problems)
        logger.error({ trigger }, `config reload: ${problemLine(p)}`);
      logger.error({ trigger }, `${outcome.error}; the last good config keeps running`);
      return outcome;
    }
    const { added, changed, removed } = outcome;
    logger.info(
      { trigger, added: added.length, changed: changed.length, removed: removed.length },
      "config reloaded",
    );
    for (const field of outcome.restartNeeded) {
      logger.warn(
        { trigger, field },
        `config field ${field} changed; it applies after a restart (the running value stays)`,
      );
    }
    return outcome;
  }

  private apply(loaded: LoadedConfig | OrgwatchError, now: number): ReloadOutcome {
    if (loaded instanceof OrgwatchError) {
      return {
        ok: false,
        error: "config not reloaded",
        problems: [{ path: "(file)", message: loaded.message }],
      };
    }
    this.watchFiles(loaded);
    const blocking = loaded.problems.filter((p) => p.effect === "fatal" || p.effect === "skipped");
    if (blocking.length > 0) {
      const n = blocking.length;
      return {
        ok: false,
        error: `config not reloaded: ${String(n)} problem${n === 1 ? "" : "s"}`,
        problems: blocking.map(({ effect: _effect, ...p }) => p),
      };
    }
    for (const p of loaded.problems) this.deps.logger.warn({}, `config reload: ${problemLine(p)}`);
    const changes = planOrgChanges(this.deps.fleet, loaded.orgs);
    applyOrgChanges(changes, {
      fleet: this.deps.fleet,
      scheduler: this.deps.scheduler,
      store: this.deps.store,
      flushPasses: this.deps.flushPasses,
      now,
    });
    this.deps.alerting?.reconfigure(loaded.alerting);
    this.current = loaded;
    return {
      ok: true,
      added: changes.added.map((t) => t.id),
      changed: changes.changed.map((t) => t.id),
      removed: changes.removed,
      restartNeeded: restartOnlyChanges(this.deps.started, loaded),
    };
  }

  /** Watches the config's folders; a change of content (not a mere touch) reloads. */
  startWatching(): void {
    this.watcher = new ConfigWatcher(
      () => {
        this.onFileEvent();
      },
      (dir, code) => {
        this.deps.logger.warn(
          { dir, code },
          "cannot watch a config folder; reload with SIGHUP or POST /-/reload",
        );
      },
    );
    this.watchFiles(this.current);
  }

  private watchFiles(config: LoadedConfig): void {
    if (!this.watcher) return;
    const dirs = new Map<string, { dir: string; recursive: boolean }>();
    for (const file of config.files) {
      dirs.set(dirname(file), { dir: dirname(file), recursive: false });
    }
    for (const d of includeWatchDirs(config.top.include, config.dir)) {
      if (dirs.get(d.dir)?.recursive !== true) dirs.set(d.dir, d);
    }
    this.watcher.watch([...dirs.values()]);
  }

  /** Stops watching. */
  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
