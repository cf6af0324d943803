import type { OrgTarget } from "../config/target.js";
import type { Evidence, OrgFacts } from "../domain/result.js";
import type { CheckId, StageId } from "../domain/stages.js";
import type { SalesforceClient, Session } from "../salesforce/client.js";

/** What a probe may use and leave behind for the probes after it. */
export interface ProbeContext {
  target: OrgTarget;
  client: SalesforceClient;
  /** Epoch ms of the pass (for the assertion's exp). */
  nowMs: number;
  /** Set by the token probe; the API probes reuse it (one login per pass). */
  session: Session | null;
  /** Facts learned so far in this pass. */
  facts: OrgFacts;
}

/** A probe's answer. A failure is data; a probe throws only on a bug. */
export interface ProbeOutcome {
  ok: boolean;
  evidence?: Evidence;
}

/** One check of the ladder. */
export interface Probe {
  id: CheckId;
  /** Stages that must have passed for this one to run. */
  needs: StageId[];
  /** Whether the call counts against the org's daily API allocation. */
  countsApi: boolean;
  run(ctx: ProbeContext): Promise<ProbeOutcome>;
}
