import { classify } from "../classify/index.js";
import type { OrgContext } from "../classify/types.js";
import type { OrgTarget } from "../config/target.js";
import type { CheckJob } from "../domain/job.js";
import type { CheckResult, OrgFacts } from "../domain/result.js";
import type { Clock } from "../platform/clock.js";
import { runPass } from "../probes/runner.js";
import type { SalesforceClient } from "../salesforce/client.js";

/** What a worker checks with: the wire, the clock, and how to word the re-check command. */
export interface WorkerDeps {
  client: SalesforceClient;
  clock: Clock;
  /** The shell command that re-checks an org, quoted in fix steps. */
  recheckCommand: (orgId: string) => string;
}

/** The classifier's view of an org: names and links, never a secret. */
export function orgContext(target: OrgTarget, recheckCommand: string): OrgContext {
  return {
    id: target.id,
    name: target.name,
    loginUrl: target.loginUrl,
    audience: target.audience,
    audienceDerived: target.audienceDerived,
    sandbox: target.sandbox,
    myDomainUrl: target.myDomainUrl,
    username: target.username,
    apiVersion: target.apiVersion,
    permissionSet: target.permissionSet,
    appId: target.appId,
    appOrgId: target.appOrgId,
    createdAt: target.createdAt,
    certificateNotAfter: target.certificate?.ok ? target.certificate.notAfter : null,
    certificateMatchesKey: target.certificate?.ok ? target.certificate.matchesKey : null,
    recheckCommand,
  };
}

/**
 * The one deadline of a pass: every configured stage at its per-call timeout, plus the local
 * stage's slack. Stages share it, so a slow token call leaves less time for the rest.
 */
export function passDeadlineMs(target: OrgTarget): number {
  return target.timeout * target.checks.length + 1000;
}

/**
 * Checks one org and classifies the outcome: the worker's half of the monitor. It records
 * nothing and reads no database; the job carries the history the classifier needs, and the
 * result is plain JSON for the coordinator to record.
 */
export async function checkOrg(
  target: OrgTarget,
  job: CheckJob,
  deps: WorkerDeps,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const startedAt = deps.clock.now();
  const deadline = AbortSignal.timeout(passDeadlineMs(target));
  const pass = await runPass(target, {
    client: deps.client,
    clock: deps.clock,
    apiUsage: job.apiUsage,
    signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
  });
  const finishedAt = deps.clock.now();
  const { diagnosis, warnings } = classify({
    org: orgContext(target, deps.recheckCommand(target.id)),
    stages: pass.stages,
    history: job.history,
    now: startedAt,
  });
  const facts: OrgFacts = { ...pass.facts };
  if (target.certificate?.ok) facts.certificateNotAfter = target.certificate.notAfter;
  return {
    checkId: job.checkId,
    orgId: target.id,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    healthy: diagnosis === null,
    diagnosis,
    warnings,
    stages: pass.stages,
    facts,
    loginAttempted: pass.loginAttempted,
  };
}
