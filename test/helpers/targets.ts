import type { OrgTarget } from "../../src/config/target.js";
import type { CauseId } from "../../src/domain/causes.js";
import { initialState, type OrgHealth, type OrgState } from "../../src/domain/state.js";

/** A resolved target for in-memory fleet tests (no key: these tests never log in). */
export function targetOf(id: string, extra: Partial<OrgTarget> = {}): OrgTarget {
  return {
    id,
    name: extra.name ?? `Org ${id}`,
    loginUrl: `https://${id}.my.salesforce.com`,
    tokenUrl: `https://${id}.my.salesforce.com/services/oauth2/token`,
    audience: "https://login.salesforce.com",
    audienceDerived: true,
    sandbox: false,
    myDomainUrl: `https://${id}.my.salesforce.com`,
    clientId: "3MVG9test",
    username: `integration@${id}.example`,
    key: { ok: false, problem: "not read in this test" },
    certificate: null,
    interval: 300_000,
    timeout: 30_000,
    apiVersion: "v62.0",
    checks: ["token"],
    loginBudgetPerHour: 30,
    failureThreshold: 1,
    successThreshold: 1,
    apiFloorPercent: 10,
    maxBackoff: 3_600_000,
    tags: [],
    createdAt: null,
    appId: null,
    appOrgId: null,
    permissionSet: null,
    ...extra,
  };
}

/** A state in `state` with `cause` (unhealthy needs one), since `at`. */
export function stateOf(
  id: string,
  state: OrgHealth,
  cause: CauseId | null = null,
  at = "2026-01-01T00:00:00.000Z",
): OrgState {
  return { ...initialState(id), state, cause, stateSince: at, lastCheckAt: at };
}
