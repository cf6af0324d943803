import {
  dashboard,
  quantile,
  rate,
  series,
  stat,
  STAGE_P95,
  table,
  type Dashboard,
} from "./builders.js";
import { CAUSE_LEGEND, withSummary } from "./queries.js";

/** The fleet overview: states, causes, worst orgs, scheduler and budgets. */
export function fleetDashboard(): Dashboard {
  const sel = '{org=~"$org"}';
  return dashboard(
    "orgwatch-fleet",
    "orgwatch / Fleet",
    [
      stat(
        "Healthy orgs",
        "Orgs whose last verdict is healthy.",
        'sum(orgwatch_orgs{state="healthy"})',
      ),
      stat("Unhealthy orgs", "Orgs failing their checks.", 'sum(orgwatch_orgs{state="unhealthy"})'),
      stat(
        "Orgs not yet checked",
        "Orgs without a verdict yet.",
        'sum(orgwatch_orgs{state="unknown"})',
      ),
      stat(
        "Orgs in back-off",
        "Orgs checked less often after repeated failures.",
        "sum(orgwatch_orgs_backoff)",
      ),
      series("Orgs by state", "Configured orgs by health state.", "short", [
        "sum by (state) (orgwatch_orgs)",
        "{{state}}",
      ]),
      series(
        "Unhealthy orgs by cause",
        "The cause timeline: orgs failing with each root cause.",
        "short",
        [withSummary("sum by (cause) (orgwatch_orgs_by_cause) > 0"), CAUSE_LEGEND],
      ),
      table("Worst orgs", "Share of the time range each org was unhealthy.", "percentunit", [
        `topk(20, 1 - avg_over_time(orgwatch_org_up${sel}[$__range]))`,
        "{{org}}",
      ]),
      table(
        "Unhealthy orgs now",
        "Every failing org, its root cause and what the cause means.",
        "short",
        [withSummary(`max by (org, cause) (orgwatch_org_cause${sel})`), "{{org}} {{cause}}"],
      ),
      series("Failing passes by cause", "Unhealthy passes per second, by root cause.", "ops", [
        withSummary(rate("orgwatch_check_failures_total", "cause")),
        CAUSE_LEGEND,
      ]),
      series(
        "Checks by result",
        "Passes per second: healthy, unhealthy, error (could not run).",
        "ops",
        [rate("orgwatch_checks_total", "result"), "{{result}}"],
      ),
      series(
        "Scheduler lag",
        "How late checks start after they are due.",
        "s",
        [quantile(0.5, "orgwatch_scheduler_lag_seconds_bucket", "le"), "p50"],
        [quantile(0.95, "orgwatch_scheduler_lag_seconds_bucket", "le"), "p95"],
      ),
      series(
        "Stage duration p95",
        "95th percentile duration of each stage across the fleet.",
        "s",
        STAGE_P95,
      ),
      series("Stage results", "Stage outcomes per second.", "ops", [
        rate("orgwatch_stage_results_total", "stage, result"),
        "{{stage}} {{result}}",
      ]),
      series(
        "Budget skips and token requests",
        "Checks skipped to protect a budget; token requests sent.",
        "ops",
        [rate("orgwatch_budget_skips_total", "reason"), "skip: {{reason}}"],
        ["sum(rate(orgwatch_login_requests_total[$__rate_interval]))", "token requests"],
      ),
      table(
        "Orgs nearest their login budget",
        "Share of the hourly login budget used.",
        "percentunit",
        [
          `topk(10, orgwatch_org_login_budget_used${sel} / orgwatch_org_login_budget_limit${sel})`,
          "{{org}}",
        ],
        8,
      ),
      table(
        "Orgs with least API headroom",
        "Share of DailyApiRequests left.",
        "percentunit",
        [
          `bottomk(10, 1 - orgwatch_org_api_requests_used${sel} / orgwatch_org_api_requests_limit${sel})`,
          "{{org}}",
        ],
        8,
      ),
      table(
        "Certificates expiring soonest",
        "Time left before each org's certificate expires.",
        "s",
        [
          `bottomk(10, orgwatch_org_certificate_expiry_timestamp_seconds${sel} - time())`,
          "{{org}}",
        ],
        8,
      ),
    ],
    true,
  );
}
