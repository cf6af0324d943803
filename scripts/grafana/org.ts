import {
  dashboard,
  series,
  stat,
  STAGE_P95,
  type Dashboard,
  type PanelSpec,
  type Query,
} from "./builders.js";
import { CAUSE_LEGEND, withSummary } from "./queries.js";

/** The org detail: health, cause history, durations, API headroom, login budget, certificate. */
export function orgDashboard(): Dashboard {
  const o = '{org="$org"}';
  const upMappings = [
    {
      type: "value",
      options: {
        "0": { text: "Unhealthy", color: "red" },
        "1": { text: "Healthy", color: "green" },
      },
    },
  ];
  const timeline = (title: string, description: string, query: Query): PanelSpec => ({
    type: "state-timeline",
    title,
    description,
    width: 24,
    height: 5,
    queries: [query],
  });
  return dashboard(
    "orgwatch-org",
    "orgwatch / Org",
    [
      {
        ...stat("Health", "The org's last verdict.", `orgwatch_org_up${o}`),
        mappings: upMappings,
        noValue: "Not checked yet",
      },
      {
        ...stat("Current cause", "Root cause while unhealthy.", `orgwatch_org_cause${o}`),
        queries: [[withSummary(`orgwatch_org_cause${o}`), CAUSE_LEGEND]],
        textMode: "name",
        noValue: "None (healthy)",
      },
      stat(
        "Last check",
        "Time since the last pass finished.",
        `time() - orgwatch_org_last_check_timestamp_seconds${o}`,
        "s",
      ),
      stat(
        "Certificate expires in",
        "Time left before the certificate expires.",
        `orgwatch_org_certificate_expiry_timestamp_seconds${o} - time()`,
        "s",
      ),
      {
        ...timeline("Health", "Healthy or unhealthy over time.", [`orgwatch_org_up${o}`, "health"]),
        mappings: upMappings,
      },
      timeline("Cause history", "Which root cause the org failed with, over time.", [
        withSummary(`orgwatch_org_cause${o}`),
        CAUSE_LEGEND,
      ]),
      series("Token exchange duration", "The org's last token exchange duration.", "s", [
        `orgwatch_org_token_duration_seconds${o}`,
        "token",
      ]),
      series(
        "Stage duration p95 (fleet)",
        "Fleet-wide stage durations for comparison.",
        "s",
        STAGE_P95,
      ),
      series(
        "API requests (rolling 24 h)",
        "DailyApiRequests used and its maximum.",
        "short",
        [`orgwatch_org_api_requests_used${o}`, "used"],
        [`orgwatch_org_api_requests_limit${o}`, "limit"],
      ),
      series(
        "API headroom",
        "Share of DailyApiRequests left; orgwatch alerts below 10%.",
        "percentunit",
        [
          `1 - orgwatch_org_api_requests_used${o} / orgwatch_org_api_requests_limit${o}`,
          "headroom",
        ],
      ),
      series(
        "Login budget (last hour)",
        "Token requests orgwatch sent for this org's user, and its budget.",
        "short",
        [`orgwatch_org_login_budget_used${o}`, "used"],
        [`orgwatch_org_login_budget_limit${o}`, "limit"],
      ),
      series("Back-off level", "Back-off steps; 0 at the normal interval.", "short", [
        `orgwatch_org_backoff_level${o}`,
        "back-off level",
      ]),
      series("Since the last healthy pass", "Time since the org last passed every check.", "s", [
        `time() - orgwatch_org_last_success_timestamp_seconds${o}`,
        "since success",
      ]),
    ],
    false,
  );
}
