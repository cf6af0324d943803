import type { OrgTarget } from "../config/target.js";
import { checkIdFor } from "../domain/job.js";
import type { CheckResult } from "../domain/result.js";
import { historyOf, initialState, type OrgState } from "../domain/state.js";
import type { Clock } from "../platform/clock.js";
import { checkOrg } from "../monitor/check-org.js";
import { connectionHash } from "../monitor/config-hash.js";
import {
  causePath,
  progressOf,
  type Observation,
  type OnboardingPlan,
  type Progress,
} from "../monitor/onboarding.js";
import { applyPass } from "../monitor/transition.js";
import type { SalesforceClient } from "../salesforce/client.js";
import type { LoginLedger } from "../store/index.js";
import type { CommandIo } from "./io.js";
import {
  endJson,
  endText,
  observationJson,
  observationText,
  type WatchEnd,
} from "./onboard-output.js";

/** Everything one `onboard --watch` needs, built by the command. */
export interface WatchDeps {
  io: CommandIo;
  clock: Clock;
  client: SalesforceClient;
  /** The org as the config says now (re-read each pass, so a pasted Consumer Key counts). */
  target: () => OrgTarget;
  /** The shared login ledger and the monitor's last state of the org (null: never checked). */
  ledger: Pick<LoginLedger, "takeLogin">;
  initial: OrgState | null;
  plan: (target: OrgTarget, state: OrgState) => OnboardingPlan;
  everyMs: number;
  timeoutMs: number | null;
  json: boolean;
  tty: boolean;
  /** Resolves when the user asks to stop (Ctrl-C). */
  stop: Promise<string>;
  recheckCommand: string;
  runCommand: string;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

type Wake = "time" | "stop" | "deadline";

/** Sleeps until `ms` passes, the deadline comes or the user stops; a spinner line on a terminal. */
async function pause(
  deps: WatchDeps,
  ms: number,
  deadline: number | null,
  status: string,
): Promise<Wake> {
  const now = deps.clock.now();
  const untilDeadline = deadline === null ? Infinity : deadline - now;
  const wait = Math.max(0, Math.min(ms, untilDeadline));
  const due = now + wait;
  let frame = 0;
  const draw = (): void => {
    const left = Math.max(0, Math.ceil((due - deps.clock.now()) / 1000));
    deps.io.stdout(
      `\r${FRAMES[frame++ % FRAMES.length] ?? ""} ${status} · next check in ${left}s\x1b[K`,
    );
  };
  const spinner = deps.tty && !deps.json ? setInterval(draw, 120) : null;
  if (spinner) draw();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new Promise<Wake>((res) => {
        timer = setTimeout(() => res(wait < ms ? "deadline" : "time"), wait);
      }),
      deps.stop.then((): Wake => "stop"),
    ]);
  } finally {
    clearTimeout(timer);
    if (spinner) {
      clearInterval(spinner);
      deps.io.stdout("\r\x1b[K");
    }
  }
}

function needsLogin(target: OrgTarget): boolean {
  return target.key.ok && target.checks.includes("token");
}

/** One pass, abortable by the stop request; null when stopped before it finished. */
async function observe(
  deps: WatchDeps,
  target: OrgTarget,
  state: OrgState,
): Promise<CheckResult | null> {
  const abort = new AbortController();
  const now = deps.clock.now();
  const pass = checkOrg(
    target,
    {
      checkId: checkIdFor(target.id, now),
      orgId: target.id,
      dueAt: now,
      history: historyOf(state),
      apiUsage: state.apiUsage,
    },
    { client: deps.client, clock: deps.clock, recheckCommand: () => deps.recheckCommand },
    abort.signal,
  );
  const stopped = deps.stop.then(() => {
    abort.abort();
    return null;
  });
  return Promise.race([pass, stopped]);
}

function finish(deps: WatchDeps, orgId: string, end: WatchEnd): number {
  const code = end.result === "healthy" ? 0 : 1;
  deps.io.stdout(deps.json ? endJson(orgId, end, code) : endText(orgId, end, deps.runCommand));
  return code;
}

/** What a watch has seen so far. */
interface Session {
  target: OrgTarget;
  state: OrgState;
  history: Observation[];
  progress: Progress | null;
  lastFix: string[];
}

/** "step 8/10 preauthorize": short enough for one terminal line with the spinner. */
function shortStep(progress: Progress): string {
  const step = progress.steps.find((x) => x.state === "current");
  const wait = progress.waiting ? ", waiting for Salesforce" : "";
  return step ? `step ${step.n}/${progress.steps.length} ${step.id}${wait}` : "";
}

/** What one check came to: stopped, healthy, or still failing with a status line for the spinner. */
type CheckOutcome = { kind: "stop" } | { kind: "healthy" } | { kind: "failing"; status: string };

/** One check: records it in the session and prints it. */
async function checkOnce(deps: WatchDeps, s: Session): Promise<CheckOutcome> {
  const result = await observe(deps, s.target, s.state);
  if (result === null) return { kind: "stop" };
  s.state = applyPass(s.state, result, s.target, connectionHash(s.target)).next;
  const previous = s.history[s.history.length - 1]?.cause;
  s.history.push({ cause: result.diagnosis?.cause ?? null, at: Date.parse(result.startedAt) });
  s.progress = progressOf(deps.plan(s.target, s.state), s.history);
  s.lastFix = result.diagnosis?.fix ?? [];
  deps.io.stdout(
    deps.json
      ? observationJson(s.target.id, s.history.length, result, s.progress)
      : observationText(s.history.length, result, s.progress, previous),
  );
  if (result.healthy) return { kind: "healthy" };
  return {
    kind: "failing",
    status: `${s.target.id}: ${result.diagnosis?.cause ?? "?"}, ${shortStep(s.progress)}`,
  };
}

/** Says the login budget is spent; returns how long to wait for the next free login. */
function budgetSpent(deps: WatchDeps, target: OrgTarget, nextFreeAt: number): number {
  const now = deps.clock.now();
  const at = new Date(nextFreeAt).toISOString();
  deps.io.stdout(
    deps.json
      ? `${JSON.stringify({ event: "budget", org: target.id, at: new Date(now).toISOString(), nextLoginAt: at })}\n`
      : `The login budget of ${target.username} (${target.loginBudgetPerHour} an hour, shared with the monitor) is spent; next check at ${at}.\n`,
  );
  return Math.max(1000, nextFreeAt - now);
}

/**
 * Checks the org every `everyMs` within the shared login budget until every stage passes (0), or
 * the user stops or the timeout comes (1). The history evolves as the monitor's would (applyPass),
 * so the classifier tells a propagating app from a wrong key the same way; nothing is recorded
 * but the logins.
 */
export async function watchOrg(deps: WatchDeps): Promise<number> {
  const started = deps.clock.now();
  const deadline = deps.timeoutMs === null ? null : started + deps.timeoutMs;
  const first = deps.target();
  const s: Session = {
    target: first,
    state: deps.initial ?? initialState(first.id),
    history: [],
    progress: null,
    lastFix: [],
  };
  const end = (result: WatchEnd["result"]): number =>
    finish(deps, s.target.id, {
      result,
      checks: s.history.length,
      elapsedMs: deps.clock.now() - started,
      path: causePath(s.history),
      lastCause: s.history[s.history.length - 1]?.cause ?? null,
      progress: s.progress,
      lastFix: s.lastFix,
    });
  for (;;) {
    s.target = deps.target();
    const budget = needsLogin(s.target)
      ? deps.ledger.takeLogin(s.target.username, s.target.loginBudgetPerHour, deps.clock.now())
      : null;
    let wait = deps.everyMs;
    let status = `${s.target.id}: waiting for the login budget`;
    if (budget === null || budget.ok) {
      const outcome = await checkOnce(deps, s);
      if (outcome.kind === "stop") return end("interrupted");
      if (outcome.kind === "healthy") return end("healthy");
      status = outcome.status;
    } else {
      wait = budgetSpent(deps, s.target, budget.nextFreeAt);
    }
    const wake = await pause(deps, wait, deadline, status);
    if (wake === "stop") return end("interrupted");
    if (wake === "deadline") return end("timeout");
  }
}
