import type { SimOrg, SimUser } from "./state.js";
import { invalidTypeMessage, malformedQueryMessage, REST_ERRORS, type RestError } from "./wire.js";

/** A query's answer: a 200 body or a REST error with its status. */
export type QueryAnswer = { status: 200; body: unknown } | { status: 400; error: RestError };

const ORGANIZATION_FIELDS = [
  "Id",
  "Name",
  "InstanceName",
  "IsSandbox",
  "TrialExpirationDate",
  "NamespacePrefix",
  "OrganizationType",
];

function organizationRecord(org: SimOrg, version: string): Record<string, unknown> {
  return {
    Id: org.orgId,
    Name: org.name ?? org.id,
    InstanceName: org.sandbox ? "CS42" : "NA44",
    IsSandbox: org.sandbox,
    TrialExpirationDate: null,
    NamespacePrefix: null,
    OrganizationType: org.edition,
    _url: `/services/data/${version}/sobjects/Organization/${org.orgId}`,
  };
}

function invalidType(query: string, object: string): QueryAnswer {
  return {
    status: 400,
    error: { message: invalidTypeMessage(query, object), errorCode: "INVALID_TYPE" },
  };
}

/**
 * Answers the SOQL a health check sends: `SELECT <Organization fields> FROM Organization [LIMIT n]`
 * and the ScratchOrgInfo probe (INVALID_TYPE unless the org is a Dev Hub). Objects the user may
 * not see give INVALID_TYPE; anything else the simulator cannot parse gives MALFORMED_QUERY.
 */
export function answerQuery(
  org: SimOrg,
  user: SimUser,
  query: string | undefined,
  version: string,
): QueryAnswer {
  if (query === undefined || query.trim() === "")
    return { status: 400, error: REST_ERRORS.no_query };
  const m = /^\s*select\s+(.+?)\s+from\s+(\w+)(?:\s+limit\s+(\d+))?\s*$/i.exec(query);
  if (!m) {
    return {
      status: 400,
      error: { message: malformedQueryMessage(query), errorCode: "MALFORMED_QUERY" },
    };
  }
  const fields = (m[1] ?? "").split(",").map((f) => f.trim());
  const object = m[2] ?? "";
  const hidden = user.deniedObjects.some((d) => d.toLowerCase() === object.toLowerCase());
  if (object.toLowerCase() === "scratchorginfo" && org.devHub && !hidden) {
    return { status: 200, body: { totalSize: 0, done: true, records: [] } };
  }
  if (object.toLowerCase() !== "organization" || hidden) return invalidType(query, object);
  const unknown = fields.find(
    (f) => !ORGANIZATION_FIELDS.some((k) => k.toLowerCase() === f.toLowerCase()),
  );
  if (unknown !== undefined) {
    return {
      status: 400,
      error: {
        message: `\n${query}\n^\nERROR at Row:1:Column:8\nNo such column '${unknown}' on entity 'Organization'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
        errorCode: "INVALID_FIELD",
      },
    };
  }
  const full = organizationRecord(org, version);
  const record: Record<string, unknown> = {
    attributes: { type: "Organization", url: full["_url"] },
  };
  for (const f of fields) {
    const key = ORGANIZATION_FIELDS.find((k) => k.toLowerCase() === f.toLowerCase()) ?? f;
    record[key] = full[key];
  }
  return { status: 200, body: { totalSize: 1, done: true, records: [record] } };
}
