import type { Maintenance, Retention } from "../store/index.js";

/** Rolls up finished hours and days and prunes rows past retention (the maintain job). */
export function maintain(
  store: Maintenance,
  retention: Retention,
  nowMs: number,
): { hourly: number; daily: number; pruned: number } {
  const rolled = store.rollup(nowMs);
  const p = store.prune(nowMs, retention);
  const pruned = p.checks + p.stageRows + p.hourly + p.daily + p.logins + p.outbox + p.silences;
  return { ...rolled, pruned };
}
