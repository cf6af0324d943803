/** How the dashboards' queries are scoped to one orgwatch and joined with the cause summaries. */

/**
 * The matchers every orgwatch series in a panel gets: one job and one instance, so the two
 * members of an HA pair (the same orgs, scraped twice) are never added together.
 */
export const SCOPE = 'job="$job", instance="$instance"';

/** Adds the job/instance matchers to every orgwatch metric selector of a query. */
export function scoped(expr: string): string {
  return expr.replace(
    /\b(orgwatch_[a-z0-9_]+)(\{([^}]*)\})?/g,
    (_m, name: string, _braces: string | undefined, inner: string | undefined) =>
      inner === undefined || inner.trim() === ""
        ? `${name}{${SCOPE}}`
        : `${name}{${SCOPE}, ${inner}}`,
  );
}

/** A query with a `cause` label, joined with `orgwatch_cause_info` to carry each cause's summary. */
export function withSummary(expr: string): string {
  return `(${expr}) * on (cause) group_left (summary) max by (cause, summary) (orgwatch_cause_info)`;
}

/** The legend of a series with a cause and its summary. */
export const CAUSE_LEGEND = "{{cause}}: {{summary}}";

/** Whether a query reads per-org series (absent with `metrics.perOrg: false`). */
export function perOrgQuery(expr: string): boolean {
  return /\borgwatch_org_[a-z0-9_]+/.test(expr);
}

/** What a per-org panel shows when there is nothing: the likely reason, not "No data". */
export const PER_ORG_NO_VALUE = "No per-org series (metrics.perOrg: false?)";

/** The org dashboard for the org in a table row, same data source, instance and time range. */
export const ORG_LINK = {
  title: "Open ${__data.fields.org} on the org dashboard",
  url: "/d/orgwatch-org/orgwatch-org?var-datasource=${datasource}&var-job=${job}&var-instance=${instance}&var-org=${__data.fields.org}&${__url_time_range}",
};
