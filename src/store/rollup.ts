import type Database from "better-sqlite3";
import type { CauseId } from "../domain/causes.js";
import { toIso } from "./rows.js";
import type { RollupRow } from "./types.js";

/** Rollup levels and their bucket sizes (UTC hours and days). */
export const BUCKET_MS = { hourly: 3_600_000, daily: 86_400_000 } as const;

/** One rollup level. */
export type RollupLevel = keyof typeof BUCKET_MS;

interface PassRow {
  org_id: string;
  healthy: number;
  cause: string | null;
  token_ms: number | null;
}

interface Acc {
  checks: number;
  failures: number;
  causes: Record<string, number>;
  tokenMs: number[];
}

/** The median of a non-empty sorted list. */
function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

function accumulate(db: Database.Database, from: number, to: number): Map<string, Acc> {
  const rows = db
    .prepare<[number, number], PassRow>(
      `SELECT c.org_id, c.healthy, c.cause, r.duration_ms AS token_ms
       FROM checks c
       LEFT JOIN check_results r ON r.check_id = c.check_id AND r.stage = 'token' AND r.skipped = 0
       WHERE c.started_at >= ? AND c.started_at < ?`,
    )
    .iterate(from, to);
  const byOrg = new Map<string, Acc>();
  for (const row of rows) {
    let acc = byOrg.get(row.org_id);
    if (!acc) {
      acc = { checks: 0, failures: 0, causes: {}, tokenMs: [] };
      byOrg.set(row.org_id, acc);
    }
    acc.checks += 1;
    if (row.healthy !== 1) {
      acc.failures += 1;
      const cause = row.cause ?? "unknown";
      acc.causes[cause] = (acc.causes[cause] ?? 0) + 1;
    }
    if (row.token_ms !== null) acc.tokenMs.push(row.token_ms);
  }
  return byOrg;
}

/** Writes one bucket (replacing any earlier computation of it); returns orgs written. */
function writeBucket(db: Database.Database, level: RollupLevel, from: number): number {
  const byOrg = accumulate(db, from, from + BUCKET_MS[level]);
  const upsert = db.prepare(
    `INSERT OR REPLACE INTO rollup_${level}
     (org_id, bucket_start, checks, failures, causes, token_p50_ms, token_avg_ms, token_max_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const [orgId, acc] of byOrg) {
    const sorted = acc.tokenMs.sort((a, b) => a - b);
    const sum = sorted.reduce((a, b) => a + b, 0);
    upsert.run(
      orgId,
      from,
      acc.checks,
      acc.failures,
      JSON.stringify(acc.causes),
      median(sorted),
      sorted.length ? sum / sorted.length : null,
      sorted.length ? sorted[sorted.length - 1] : null,
    );
  }
  return byOrg.size;
}

/**
 * Computes every completed bucket of a level up to `nowMs`, from raw passes. Idempotent: rows are
 * replaced, and the last done bucket is recomputed so a pass recorded late (a retried job) still
 * counts. Returns the number of (org, bucket) rows written.
 */
export function rollupLevel(db: Database.Database, level: RollupLevel, nowMs: number): number {
  const size = BUCKET_MS[level];
  const end = Math.floor(nowMs / size) * size;
  const mark = db
    .prepare<[string], { done_until: number }>(
      "SELECT done_until FROM rollup_watermark WHERE level = ?",
    )
    .get(level);
  let start: number;
  if (mark) {
    start = mark.done_until - size;
  } else {
    const first = db
      .prepare<[], { m: number | null }>("SELECT MIN(started_at) AS m FROM checks")
      .get();
    if (!first || first.m === null) return 0;
    start = Math.floor(first.m / size) * size;
  }
  let written = 0;
  db.transaction(() => {
    for (let from = start; from + size <= end; from += size) {
      written += writeBucket(db, level, from);
    }
    db.prepare(
      `INSERT INTO rollup_watermark (level, done_until) VALUES (?, ?)
       ON CONFLICT (level) DO UPDATE SET done_until = MAX(done_until, excluded.done_until)`,
    ).run(level, end);
  })();
  return written;
}

interface RollupDbRow {
  org_id: string;
  bucket_start: number;
  checks: number;
  failures: number;
  causes: string;
  token_p50_ms: number | null;
  token_avg_ms: number | null;
  token_max_ms: number | null;
}

/** Stored buckets of one org from `sinceMs`, oldest first. */
export function readRollups(
  db: Database.Database,
  level: RollupLevel,
  orgId: string,
  sinceMs: number,
): RollupRow[] {
  return db
    .prepare<[string, number], RollupDbRow>(
      `SELECT * FROM rollup_${level} WHERE org_id = ? AND bucket_start >= ? ORDER BY bucket_start`,
    )
    .all(orgId, sinceMs)
    .map((r) => ({
      orgId: r.org_id,
      bucketStart: toIso(r.bucket_start) ?? "",
      checks: r.checks,
      failures: r.failures,
      causes: JSON.parse(r.causes) as Partial<Record<CauseId, number>>,
      tokenP50Ms: r.token_p50_ms,
      tokenAvgMs: r.token_avg_ms,
      tokenMaxMs: r.token_max_ms,
    }));
}
