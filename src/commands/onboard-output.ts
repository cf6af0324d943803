import type { CauseId } from "../domain/causes.js";
import type { CheckResult } from "../domain/result.js";
import { formatDuration } from "../platform/duration.js";
import type { OnboardingPlan, Progress, StepProgress } from "../monitor/onboarding.js";

const KIND_TITLE = { external_client_app: "External Client App", connected_app: "Connected App" };
const MARK: Record<StepProgress["state"], string> = {
  done: "[x]",
  current: "[>]",
  pending: "[ ]",
};

/** The checklist as printed before the first check: every step with how to do it. */
export function planText(plan: OnboardingPlan, orgName: string): string {
  const out = [
    `Onboarding ${plan.orgId} (${orgName}): ${KIND_TITLE[plan.appKind]}, ${plan.orgKind} org.`,
    `Token host ${plan.tokenHost}, aud ${plan.audience}.`,
    ...plan.warnings.map((w) => `Config: ${w}`),
    "",
    "Setup checklist:",
  ];
  plan.steps.forEach((s, i) => {
    out.push(`${String(i + 1).padStart(2)}. ${s.title}`);
    for (const line of s.how) out.push(`      - ${line}`);
  });
  return `${out.join("\n")}\n`;
}

/** `[x] 1 key  [>] 2 app  [ ] 3 ...` on one line. */
function marks(progress: Progress): string {
  return progress.steps.map((s) => `${MARK[s.state]} ${s.n} ${s.id}`).join("  ");
}

function clock(at: string): string {
  return at.slice(11, 19);
}

/** The step being worked on, as "step 8/10 (Pre-authorize ...)". */
export function currentWords(progress: Progress): string {
  const step = progress.steps.find((s) => s.state === "current");
  return step ? `step ${step.n}/${progress.steps.length} (${step.title})` : "all steps done";
}

/**
 * One observation for a person: a block with the checklist marks, the current step and its fix
 * when the cause changed; one line when it is the same as the check before.
 */
export function observationText(
  n: number,
  result: CheckResult,
  progress: Progress,
  previous: CauseId | null | undefined,
): string {
  const d = result.diagnosis;
  const cause = d?.cause ?? null;
  const head = `[${clock(result.startedAt)}] check ${n}:`;
  if (cause === null) return `${head} healthy, every check passed.\n${marks(progress)}\n`;
  if (previous !== undefined && previous === cause) {
    return `${head} still ${cause}, ${currentWords(progress)}${progress.waiting ? ", waiting for Salesforce" : ""}.\n`;
  }
  const out = [`${head} ${cause} at the ${d?.stage ?? "?"} stage.`, marks(progress)];
  if (progress.interruption !== null) {
    out.push(`Not a setup step: ${d?.summary ?? cause}`, "Fix:");
  } else if (progress.waiting && progress.todo.length > 0) {
    out.push(`Now: ${currentWords(progress)}. Maybe waiting for Salesforce.`, "If not done yet:");
    progress.todo.forEach((step, i) => out.push(`  ${i + 1}. ${step}`));
  } else if (progress.waiting) {
    out.push(`Now: ${currentWords(progress)}. Waiting for Salesforce, nothing to change.`);
  } else {
    out.push(`Now: ${currentWords(progress)}.`, `  ${d?.summary ?? ""}`, "Fix:");
  }
  if (!progress.waiting) (d?.fix ?? []).forEach((step, i) => out.push(`  ${i + 1}. ${step}`));
  if (progress.note) out.push(`Note: ${progress.note}`);
  return `${out.join("\n")}\n`;
}

/** One `--json` line per observation: the pass, the step states, the fix shown. */
export function observationJson(
  orgId: string,
  n: number,
  result: CheckResult,
  progress: Progress,
): string {
  const d = result.diagnosis;
  return `${JSON.stringify({
    event: "observation",
    org: orgId,
    check: n,
    at: result.startedAt,
    healthy: result.healthy,
    cause: d?.cause ?? null,
    stage: d?.stage ?? null,
    transient: d?.transient ?? false,
    summary: d?.summary ?? "all checks passed",
    fix: progress.waiting ? progress.todo : (d?.fix ?? []),
    current: progress.current,
    waiting: progress.waiting,
    interruption: progress.interruption,
    note: progress.note,
    steps: progress.steps.map((s) => ({ n: s.n, id: s.id, state: s.state })),
  })}\n`;
}

/** How a watch ended. */
export interface WatchEnd {
  result: "healthy" | "timeout" | "interrupted";
  checks: number;
  elapsedMs: number;
  path: (CauseId | null)[];
  lastCause: CauseId | null;
  progress: Progress | null;
  lastFix: string[];
}

/** The closing words: a summary on success, the last cause and its step otherwise. */
export function endText(orgId: string, end: WatchEnd, runCommand: string): string {
  const path = end.path.map((c) => c ?? "healthy").join(" → ");
  const took = `${end.checks} check${end.checks === 1 ? "" : "s"} in ${formatDuration(end.elapsedMs)}`;
  if (end.result === "healthy") {
    return [
      `${orgId} is connected: every stage passes (${took}).`,
      ...(path ? [`Path: ${path}`] : []),
      `The monitor keeps it that way: ${runCommand}`,
      "",
    ].join("\n");
  }
  const why = end.result === "timeout" ? "Timed out" : "Stopped";
  const last = end.lastCause ?? "no check finished";
  const step = end.progress ? `, ${currentWords(end.progress)}` : "";
  const out = [`${why} after ${took}: ${orgId} still fails with ${last}${step}.`];
  if (path) out.push(`Path: ${path}`);
  end.lastFix.forEach((f, i) => out.push(`  ${i + 1}. ${f}`));
  return `${out.join("\n")}\n`;
}

/** The closing `--json` line. */
export function endJson(orgId: string, end: WatchEnd, exitCode: number): string {
  return `${JSON.stringify({
    event: "end",
    org: orgId,
    result: end.result,
    exitCode,
    checks: end.checks,
    elapsedMs: end.elapsedMs,
    path: end.path,
    lastCause: end.lastCause,
    current: end.progress?.current ?? null,
  })}\n`;
}
