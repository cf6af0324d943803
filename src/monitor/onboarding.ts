import type { CauseId } from "../domain/index.js";
import { STEP_IDS, type OnboardingPlan, type StepId } from "./onboarding-plan.js";

export * from "./onboarding-plan.js";

/**
 * The setup step each cause proves missing; null for causes that say nothing about the setup
 * (an outage, the network, the monitor's own clock or limits): they interrupt, the step stays.
 * API-stage causes of the caller (session, header, version) leave only the last step open.
 */
export const STEP_OF_CAUSE = {
  key_invalid: "key",
  certificate_expiring: null,
  network_error: null,
  app_not_installed: "install",
  my_domain_required: "host",
  user_not_preauthorized: "preauthorize",
  consumer_not_approved: "policies",
  approval_aged_out: "policies",
  audience_invalid: "host",
  invalid_assertion: "certificate",
  assertion_expired: null,
  client_id_invalid: "app",
  app_propagating: "app",
  user_not_found: "user",
  user_inactive: "user",
  org_inactive: null,
  ip_restricted: "policies",
  login_rate_exceeded: null,
  unsupported_grant_type: "certificate",
  invalid_request: null,
  api_disabled: "api",
  api_limit_exceeded: null,
  session_invalid: "verify",
  session_not_valid_for_api: "api",
  jwt_token_format_unsupported: "api",
  auth_header_invalid: "verify",
  insufficient_access: "api",
  api_version_unsupported: "verify",
  salesforce_unavailable: null,
  unknown: null,
} as const satisfies Record<CauseId, StepId | null>;

/** Salesforce's own figure for how long a new app or a policy change takes to propagate. */
export const PROPAGATION_MIN_MS = 2 * 60_000;
/** The upper end of that figure: past it, an unchanged failure is a missing setting. */
export const PROPAGATION_MAX_MS = 10 * 60_000;

/** Steps whose settings live on the app, so a change to them propagates for 2-10 minutes. */
const PROPAGATING_STEPS: ReadonlySet<StepId> = new Set([
  "app",
  "certificate",
  "install",
  "policies",
  "preauthorize",
]);

/** One pass as onboarding sees it: its cause (null = healthy) and when it ran (epoch ms). */
export interface Observation {
  cause: CauseId | null;
  at: number;
}

/** Where a step stands: proven by a later failure or success, the one to fix now, or not yet known. */
export type StepState = "done" | "current" | "pending";

/** One step's state, numbered from 1 as printed. */
export interface StepProgress {
  n: number;
  id: StepId;
  title: string;
  state: StepState;
}

/** The checklist as the observations so far prove it. */
export interface Progress {
  steps: StepProgress[];
  /** The step to work on; null before the first pass and once healthy. */
  current: StepId | null;
  healthy: boolean;
  /** True while Salesforce is still propagating a change: nothing to do but wait. */
  waiting: boolean;
  /** A cause that is not a setup step (an outage, the network) and hides the step's own state. */
  interruption: CauseId | null;
  /** What to make of the timing: the propagation window, said calmly. */
  note: string | null;
  /**
   * The current step's own instructions when the cause gives no fix of its own: a propagating
   * answer past the app step may be a change on its way or a step not done yet.
   */
  todo: string[];
}

const INDEX = new Map<StepId, number>(STEP_IDS.map((id, i) => [id, i]));
const APP = INDEX.get("app") ?? 1;

function indexOf(cause: CauseId): number | null {
  const step = STEP_OF_CAUSE[cause];
  return step === null ? null : (INDEX.get(step) ?? null);
}

/** The step position the last evidence proves, ignoring propagation and interruptions. */
function lastSetupPosition(history: readonly Observation[]): number | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const cause = history[i]?.cause;
    if (cause === undefined || cause === null) return null;
    if (cause === "app_propagating") continue;
    const at = indexOf(cause);
    if (at !== null) return at;
  }
  return null;
}

/** When the trailing run of observations with the latest cause began (epoch ms). */
function runStart(history: readonly Observation[]): number {
  const last = history[history.length - 1];
  let start = last?.at ?? 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const o = history[i];
    if (!o || o.cause !== last?.cause) break;
    start = o.at;
  }
  return start;
}

function minutes(ms: number): string {
  const m = Math.floor(ms / 60_000);
  return m < 1 ? "under a minute" : `${m} minute${m === 1 ? "" : "s"}`;
}

function noteFor(step: StepId, waiting: boolean, since: number, now: number): string | null {
  const spent = now - since;
  if (waiting && step !== "app") {
    return `Salesforce answers as if this step were missing, but a change made in the last 15 minutes may still be on its way (2 to 10 minutes, ${minutes(spent)} so far). Done it already? Nothing to change. Not yet? Do it now (below).`;
  }
  if (waiting) {
    return `Salesforce is still passing a recent change on (a new app or an edited policy): that takes 2 to 10 minutes, ${minutes(spent)} so far. Nothing to change; the checks go on.`;
  }
  if (!PROPAGATING_STEPS.has(step)) return null;
  if (spent < PROPAGATION_MAX_MS) {
    return "Just made this change? Salesforce takes 2 to 10 minutes to pass it on and answers as before until then; the checks go on, no need to do it twice.";
  }
  return `Unchanged for ${minutes(spent)}, longer than Salesforce's 2 to 10 minutes: the setting above is still missing.`;
}

/**
 * The checklist state from the observed cause history, oldest first. Salesforce checks the steps
 * in `STEP_IDS` order, so the latest failure's step is current and every earlier one is done; a
 * propagating app keeps the furthest step reached, and an interruption keeps the last known one.
 */
export function progressOf(plan: OnboardingPlan, history: readonly Observation[]): Progress {
  const latest = history[history.length - 1];
  const build = (position: number | null, extra: Partial<Progress> = {}): Progress => ({
    steps: plan.steps.map((s, i) => ({
      n: i + 1,
      id: s.id,
      title: s.title,
      state: position === null || i < position ? "done" : i === position ? "current" : "pending",
    })),
    current: position === null ? null : (plan.steps[position]?.id ?? null),
    healthy: position === null,
    waiting: false,
    interruption: null,
    note: null,
    todo: [],
    ...extra,
  });
  if (latest === undefined) {
    const p = build(0, { healthy: false });
    return { ...p, steps: p.steps.map((s) => ({ ...s, state: "pending" })) };
  }
  if (latest.cause === null) return build(null);
  const earlier = lastSetupPosition(history.slice(0, -1));
  let position: number;
  let interruption: CauseId | null = null;
  const waiting = latest.cause === "app_propagating";
  if (waiting) {
    position = Math.max(APP, earlier ?? APP);
  } else {
    const own = indexOf(latest.cause);
    if (own === null) interruption = latest.cause;
    position = own ?? earlier ?? APP;
  }
  const step = plan.steps[position]?.id ?? "verify";
  const note = interruption === null ? noteFor(step, waiting, runStart(history), latest.at) : null;
  const todo = waiting && step !== "app" ? (plan.steps[position]?.how ?? []) : [];
  return build(position, { waiting, interruption, note, todo });
}

/** The causes in the order they were first met in a run, collapsing repeats: a-b-b-c → a, b, c. */
export function causePath(history: readonly Observation[]): (CauseId | null)[] {
  const out: (CauseId | null)[] = [];
  for (const o of history) {
    if (out.length === 0 || out[out.length - 1] !== o.cause) out.push(o.cause);
  }
  return out;
}
