import type { CauseId, CauseOwner } from "./causes.js";

/** What a silence matches (alerting's match model): every listed field must match. */
export interface SilenceMatch {
  orgs?: string[];
  tags?: string[];
  causes?: CauseId[];
  owners?: CauseOwner[];
}

/** A silence created at run time (API, Slack): it holds alerts back from start to end. */
export interface Silence {
  id: string;
  match: SilenceMatch;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms; expiring a silence sets it to the moment of expiry. */
  endsAt: number;
  /** Who asked for it (an API caller's name, a Slack user). */
  createdBy: string;
  comment: string;
  createdAt: number;
}

/** What a caller (the API, a Slack button) asks for; times in epoch ms. */
export interface SilenceRequest {
  match: SilenceMatch;
  /** Defaults to now. */
  startsAt?: number;
  /** Give either endsAt or durationMs (from startsAt). */
  endsAt?: number;
  durationMs?: number;
  createdBy: string;
  comment: string;
}

/** Where a silence stands at a moment, as Alertmanager names it. */
export type SilenceStatus = "pending" | "active" | "expired";

/** Whether a silence is pending, active or expired at `nowMs`. */
export function silenceStatus(s: Silence, nowMs: number): SilenceStatus {
  if (nowMs >= s.endsAt) return "expired";
  return nowMs < s.startsAt ? "pending" : "active";
}

/** The store of run-time silences (SQLite in src/store). */
export interface SilenceLog {
  addSilence(silence: Silence): void;
  silence(id: string): Silence | null;
  /** Silences not ended before `sinceMs`, newest first. */
  silencesSince(sinceMs: number): Silence[];
  /** Silences active at `nowMs`. */
  activeSilences(nowMs: number): Silence[];
  /**
   * Ends a silence at `nowMs` (a pending one starts and ends then); one already over is left
   * as it is. Null when there is no such silence.
   */
  expireSilence(id: string, nowMs: number): Silence | null;
}
