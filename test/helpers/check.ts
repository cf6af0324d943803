import type { OrgTarget } from "../../src/config/target.js";
import type { OrgHistory } from "../../src/domain/history.js";
import type { CheckResult, OrgFacts } from "../../src/domain/result.js";
import { checkOrg } from "../../src/monitor/check-org.js";
import type { Clock } from "../../src/platform/clock.js";
import type { SalesforceClient } from "../../src/salesforce/client.js";

/** One worker pass for a test: builds the job a coordinator would admit, then checks. */
export function checkWith(
  target: OrgTarget,
  checkId: string,
  deps: {
    client: SalesforceClient;
    clock: Clock;
    history: OrgHistory;
    previousFacts?: OrgFacts | null;
    recheckCommand: string;
  },
): Promise<CheckResult> {
  const facts = deps.previousFacts;
  return checkOrg(
    target,
    {
      checkId,
      orgId: target.id,
      dueAt: deps.clock.now(),
      history: deps.history,
      apiUsage:
        facts?.apiUsed !== undefined && facts.apiMax !== undefined
          ? { used: facts.apiUsed, max: facts.apiMax }
          : null,
    },
    { client: deps.client, clock: deps.clock, recheckCommand: () => deps.recheckCommand },
  );
}
