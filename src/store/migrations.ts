import type Database from "better-sqlite3";
import { OrgwatchError } from "../platform/errors.js";

/** One schema step. Never edit a released migration: append a new one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema, as ordered steps. Timestamps are integer epoch milliseconds (cheap range scans for
 * prune and rollup); the store converts them to ISO strings at its interface.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "history",
    sql: `
      CREATE TABLE checks (
        check_id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        healthy INTEGER NOT NULL,
        cause TEXT,
        stage TEXT,
        transient INTEGER NOT NULL DEFAULT 0,
        summary TEXT,
        login_attempted INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX checks_org_started ON checks (org_id, started_at);
      CREATE INDEX checks_started ON checks (started_at);
      CREATE TABLE check_results (
        check_id TEXT NOT NULL,
        org_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        skipped INTEGER NOT NULL,
        skip_reason TEXT,
        duration_ms REAL NOT NULL,
        http_status INTEGER,
        error_code TEXT,
        cause TEXT,
        PRIMARY KEY (check_id, stage)
      ) WITHOUT ROWID;
      CREATE INDEX check_results_started ON check_results (started_at);
      CREATE TABLE org_state (
        org_id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('unknown', 'healthy', 'unhealthy')),
        cause TEXT,
        state_since INTEGER,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        consecutive_successes INTEGER NOT NULL DEFAULT 0,
        last_check_at INTEGER,
        last_success_at INTEGER,
        first_seen_at INTEGER,
        first_success_at INTEGER,
        last_organization_id TEXT,
        last_username TEXT,
        last_instance_url TEXT,
        config_hash TEXT,
        config_changed_at INTEGER,
        next_check_at INTEGER,
        backoff_level INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        cause TEXT NOT NULL,
        opened_at INTEGER NOT NULL,
        closed_at INTEGER,
        last_check_id TEXT
      );
      CREATE UNIQUE INDEX incidents_one_open ON incidents (org_id) WHERE closed_at IS NULL;
      CREATE TABLE incident_deliveries (
        incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        notifier TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('open', 'update', 'resolve')),
        delivered_at INTEGER,
        external_ref TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        UNIQUE (incident_id, notifier, kind)
      );
      CREATE TABLE login_ledger (
        username TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX login_ledger_user_at ON login_ledger (username, at);
      CREATE INDEX login_ledger_at ON login_ledger (at);
    `,
  },
  {
    version: 2,
    name: "rollups",
    sql: `
      CREATE TABLE rollup_hourly (
        org_id TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        checks INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        causes TEXT NOT NULL,
        token_p50_ms REAL,
        token_avg_ms REAL,
        token_max_ms REAL,
        PRIMARY KEY (org_id, bucket_start)
      ) WITHOUT ROWID;
      CREATE INDEX rollup_hourly_bucket ON rollup_hourly (bucket_start);
      CREATE TABLE rollup_daily (
        org_id TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        checks INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        causes TEXT NOT NULL,
        token_p50_ms REAL,
        token_avg_ms REAL,
        token_max_ms REAL,
        PRIMARY KEY (org_id, bucket_start)
      ) WITHOUT ROWID;
      CREATE INDEX rollup_daily_bucket ON rollup_daily (bucket_start);
      CREATE TABLE rollup_watermark (
        level TEXT PRIMARY KEY,
        done_until INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "one transaction per pass: outbox, incident causes, two success facts",
    sql: `
      ALTER TABLE org_state RENAME COLUMN last_success_at TO last_token_success_at;
      ALTER TABLE org_state ADD COLUMN last_healthy_at INTEGER;
      ALTER TABLE org_state ADD COLUMN incident_id TEXT;
      ALTER TABLE org_state ADD COLUMN api_used INTEGER;
      ALTER TABLE org_state ADD COLUMN api_max INTEGER;
      ALTER TABLE org_state ADD COLUMN api_seen_at INTEGER;
      ALTER TABLE org_state ADD COLUMN username_org_id TEXT;
      UPDATE org_state SET last_healthy_at = (
        SELECT MAX(started_at) FROM checks c WHERE c.org_id = org_state.org_id AND c.healthy = 1);
      UPDATE org_state SET incident_id = (
        SELECT id FROM incidents i WHERE i.org_id = org_state.org_id AND i.closed_at IS NULL);
      CREATE TABLE incident_causes (
        incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        cause TEXT NOT NULL,
        check_id TEXT NOT NULL,
        stage TEXT,
        severity TEXT,
        transient INTEGER NOT NULL DEFAULT 0,
        summary TEXT,
        fix TEXT,
        PRIMARY KEY (incident_id, check_id)
      ) WITHOUT ROWID;
      INSERT INTO incident_causes (incident_id, at, cause, check_id)
        SELECT id, opened_at, cause, COALESCE(
          (SELECT check_id FROM checks c WHERE c.org_id = incidents.org_id
             AND c.started_at = incidents.opened_at LIMIT 1), '')
        FROM incidents;
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        org_id TEXT NOT NULL,
        incident_id TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('opened', 'cause_changed', 'resolved', 'notice')),
        cause TEXT NOT NULL,
        from_cause TEXT,
        at INTEGER NOT NULL,
        check_id TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX outbox_at ON outbox (at);
      CREATE TABLE outbox_cursors (
        consumer TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: "alert threads, their members and the delivery log",
    sql: `
      DROP TABLE incident_deliveries;
      CREATE TABLE alert_threads (
        id TEXT PRIMARY KEY,
        notifier TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('incident', 'notice')),
        cause TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        root_ref TEXT,
        closed_at INTEGER,
        notice TEXT
      );
      CREATE INDEX alert_threads_open ON alert_threads (notifier, cause, created_at)
        WHERE closed_at IS NULL;
      CREATE TABLE alert_members (
        thread_id TEXT NOT NULL REFERENCES alert_threads (id) ON DELETE CASCADE,
        incident_id TEXT NOT NULL,
        org_id TEXT NOT NULL,
        joined_at INTEGER NOT NULL,
        cause TEXT NOT NULL,
        resolved_at INTEGER,
        changed_version INTEGER NOT NULL,
        PRIMARY KEY (thread_id, incident_id)
      ) WITHOUT ROWID;
      CREATE INDEX alert_members_incident ON alert_members (incident_id);
      CREATE TABLE alert_deliveries (
        id TEXT PRIMARY KEY,
        thread_id TEXT NOT NULL REFERENCES alert_threads (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('open', 'update', 'reminder', 'resolve', 'notice')),
        version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        sent_at INTEGER,
        UNIQUE (thread_id, seq)
      );
      CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
    `,
  },
  {
    version: 5,
    name: "run-time silences (API, Slack)",
    sql: `
      CREATE TABLE silences (
        id TEXT PRIMARY KEY,
        match_json TEXT NOT NULL,
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        comment TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        CHECK (ends_at >= starts_at)
      );
      CREATE INDEX silences_ends ON silences (ends_at);
    `,
  },
];

/** Applies every migration not yet recorded in `schema_migrations`; returns the versions applied. */
export function migrate(db: Database.Database, migrations = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`);
  const done = new Set(
    db
      .prepare<[], { version: number }>("SELECT version FROM schema_migrations")
      .all()
      .map((row) => row.version),
  );
  // A database a newer orgwatch migrated may hold tables and meanings this one does not know:
  // refuse it rather than write into it.
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const newest = Math.max(0, ...done);
  if (newest > known) {
    throw new OrgwatchError(
      "STORAGE_UNUSABLE",
      `${db.name}: written by a newer orgwatch (schema ${String(newest)}; this one knows up to ${String(known)}); run that version, or point storage.sqlite at another file`,
    );
  }
  const record = db.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)");
  const applied: number[] = [];
  for (const step of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(step.version)) continue;
    // Each step and its bookkeeping row commit together: a crash mid-step leaves it unapplied.
    db.transaction(() => {
      db.exec(step.sql);
      record.run(step.version, step.name);
    })();
    applied.push(step.version);
  }
  return applied;
}
