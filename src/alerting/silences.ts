import { randomUUID } from "node:crypto";
import { CAUSE_IDS, type CauseId } from "../domain/causes.js";
import type { Silence, SilenceLog, SilenceMatch, SilenceRequest } from "../domain/silences.js";
import { matches, type RoutableOrg } from "./route.js";

export type { SilenceRequest } from "../domain/silences.js";

/** A created silence, or the one field that is wrong and why. */
export type CreateSilenceResult =
  { ok: true; silence: Silence } | { ok: false; field: string; message: string };

const MAX_TEXT = 1000;

type Problem = { field: string; message: string } | null;

function matchProblem(match: SilenceMatch): Problem {
  const lists = [match.orgs, match.tags, match.causes, match.owners];
  // An empty match would silence every alert of the fleet: Alertmanager refuses it too.
  if (!lists.some((l) => l !== undefined && l.length > 0)) {
    return { field: "match", message: "name at least one of orgs, tags, causes, owners" };
  }
  const bad = match.causes?.find((c) => !(CAUSE_IDS as readonly string[]).includes(c));
  if (bad !== undefined) {
    return { field: "match.causes", message: `"${bad}" is not a cause id` };
  }
  return null;
}

function timeProblem(req: SilenceRequest, startsAt: number, nowMs: number): Problem {
  if ((req.endsAt === undefined) === (req.durationMs === undefined)) {
    return { field: "endsAt", message: "give either endsAt or duration" };
  }
  if (req.durationMs !== undefined && !(req.durationMs > 0)) {
    return { field: "duration", message: "must be longer than zero, e.g. 1h" };
  }
  const endsAt = req.endsAt ?? startsAt + (req.durationMs ?? 0);
  if (endsAt <= startsAt) return { field: "endsAt", message: "must be after startsAt" };
  if (endsAt <= nowMs) return { field: "endsAt", message: "must be in the future" };
  return null;
}

function textProblem(field: string, text: string): Problem {
  if (text.trim().length === 0) return { field, message: "must not be empty" };
  if (text.length > MAX_TEXT) return { field, message: `at most ${String(MAX_TEXT)} characters` };
  return null;
}

/**
 * Validates and stores a run-time silence (the API's and Slack's "Silence 1 h"). The alerting
 * engine honours it on its next round exactly like a silence of the config.
 */
export function createSilence(
  log: Pick<SilenceLog, "addSilence">,
  req: SilenceRequest,
  nowMs: number,
  newId: () => string = randomUUID,
): CreateSilenceResult {
  const startsAt = req.startsAt ?? nowMs;
  const problem =
    matchProblem(req.match) ??
    timeProblem(req, startsAt, nowMs) ??
    textProblem("createdBy", req.createdBy) ??
    textProblem("comment", req.comment);
  if (problem) return { ok: false, ...problem };
  const silence: Silence = {
    id: newId(),
    match: normalMatch(req.match),
    startsAt,
    endsAt: req.endsAt ?? startsAt + (req.durationMs ?? 0),
    createdBy: req.createdBy.trim(),
    comment: req.comment.trim(),
    createdAt: nowMs,
  };
  log.addSilence(silence);
  return { ok: true, silence };
}

/** The match without empty lists (an empty list would match nothing, which nobody means). */
function normalMatch(match: SilenceMatch): SilenceMatch {
  const out: SilenceMatch = {};
  if (match.orgs?.length) out.orgs = [...match.orgs];
  if (match.tags?.length) out.tags = [...match.tags];
  if (match.causes?.length) out.causes = [...match.causes];
  if (match.owners?.length) out.owners = [...match.owners];
  return out;
}

/** The run-time silence that holds an org's alert back, among those active now. */
export function silencedBy(
  active: readonly Silence[],
  org: RoutableOrg,
  cause: CauseId,
): Silence | null {
  return active.find((s) => matches(s.match, org, cause)) ?? null;
}
