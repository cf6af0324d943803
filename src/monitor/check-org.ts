import { classify } from "../classify/index.js";
import type { OrgContext } from "../classify/types.js";
import type { OrgTarget } from "../config/target.js";
import type { OrgHistory } from "../domain/history.js";
import type { CheckResult, OrgFacts } from "../domain/result.js";
import type { Clock } from "../platform/clock.js";
import { runPass } from "../probes/runner.js";
import type { SalesforceClient } from "../salesforce/client.js";

/** What one check needs besides the target: the wire, the clock, and what we remember. */
export interface CheckOrgDeps {
  client: SalesforceClient;
  clock: Clock;
  history: OrgHistory;
  previousFacts: OrgFacts | null;
  /** The shell command that re-checks this org, quoted in fix steps. */
  recheckCommand: string;
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
 * Checks one org and classifies the outcome: the worker's half of the monitor. It records
 * nothing; the caller records, exports and alerts. `checkId` keys the result so that a retried
 * job yields the same id.
 */
export async function checkOrg(
  target: OrgTarget,
  checkId: string,
  deps: CheckOrgDeps,
): Promise<CheckResult> {
  const startedAt = deps.clock.now();
  const pass = await runPass(target, deps);
  const finishedAt = deps.clock.now();
  const { diagnosis, warnings } = classify({
    org: orgContext(target, deps.recheckCommand),
    stages: pass.stages,
    history: deps.history,
    now: startedAt,
  });
  const facts: OrgFacts = { ...pass.facts };
  if (target.certificate?.ok) facts.certificateNotAfter = target.certificate.notAfter;
  return {
    checkId,
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
