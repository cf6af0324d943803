/** A runbook for an alert that is about orgwatch itself or a budget, not a root cause. */
interface AlertRunbook {
  title: string;
  means: string;
  owner: string;
  steps: string[];
  recheck: string;
}

/** The alerts without a cause of their own, by alert name. */
export const ALERT_RUNBOOKS: Record<string, AlertRunbook> = {
  OrgwatchNotChecking: {
    title: "An org's check is overdue",
    means:
      "`orgwatch_org_next_check_timestamp_seconds{org}` (when the org is due, back-off included) is more than 10 minutes in the past: orgwatch is not checking this org, so its health on dashboards and in alerts is stale. Long intervals and back-off do not trigger it: the due time moves with them.",
    owner: "whoever runs orgwatch",
    steps: [
      "Look at `orgwatch_org_login_budget_used` for the org: a spent login budget postpones checks until a login is free (`OrgwatchLoginBudgetNearlyUsed` fires first). Lengthen the interval or give the user its own budget.",
      "Check orgwatch's `/readyz` and its log (JSON lines on stderr) for `a scheduled run failed` or a stuck pass; `OrgwatchCheckErrors` and `OrgwatchSchedulerLagging` point the same way.",
      "If every org is overdue, the scheduler is stuck: restart orgwatch (each org resumes at its stored slot).",
    ],
    recheck:
      "`orgwatch history --org <org-id>` shows the last passes; the alert resolves on the org's next pass.",
  },
  OrgwatchCheckErrors: {
    title: "Checks that could not run",
    means:
      '`orgwatch_checks_total{result="error"}` rose by 3 or more in 15 minutes: passes that failed inside orgwatch (an exception, the SQLite history, the scheduler), not an org\'s failure. The orgs concerned are not being checked.',
    owner: "whoever runs orgwatch",
    steps: [
      "Read orgwatch's log for `a scheduled run failed`: it names the job, the org and the error.",
      "A full or read-only disk breaks the SQLite history (`storage.sqlite`); free space or fix permissions.",
      "Anything else is a bug: report it with the log lines.",
    ],
    recheck: "The alert resolves once no error is counted for 15 minutes.",
  },
  OrgwatchAbsent: {
    title: "No orgwatch metrics",
    means:
      "Prometheus has had no `orgwatch_checks_total` series for 15 minutes: orgwatch is down or Prometheus cannot scrape it. Nothing is being monitored.",
    owner: "whoever runs orgwatch",
    steps: [
      "Is the process running (`systemctl status orgwatch`, `kubectl get pods`)? Its `/healthz` answers while it runs.",
      "Is the scrape target up on Prometheus' `/targets` page? `server.listen` must be reachable from Prometheus.",
      "Started with `orgwatch run` (it reads `ORGWATCH_CONFIG` when `--config` is not given); `orgwatch config check` validates the config.",
    ],
    recheck: "The alert resolves on the first successful scrape.",
  },
  OrgwatchSchedulerLagging: {
    title: "Checks start late",
    means:
      "The 95th percentile of how late checks start after they are due is above a minute for 15 minutes, so failures are detected late.",
    owner: "whoever runs orgwatch",
    steps: [
      "Raise `scheduler.concurrency` when many orgs share an interval.",
      "Look at the stage duration panel: slow Salesforce answers hold the slots (`defaults.timeout` caps each call).",
    ],
    recheck: "The alert resolves when the p95 lag stays under a minute.",
  },
  OrgwatchApiHeadroomLow: {
    title: "An org's daily API requests are nearly used up",
    means:
      "DailyApiRequests of the org is above 90% of its maximum (rolling 24 hours). When it runs out every integration in the org gets `REQUEST_LIMIT_EXCEEDED` (cause `api_limit_exceeded`). orgwatch pauses its own API checks below the org's `apiFloorPercent`.",
    owner: "the customer's Salesforce admin",
    steps: [
      "Find the consumer: Setup → System Overview, or the API Usage report (Setup → Company Information shows API Requests, Last 24 Hours).",
      "Reduce that load, or ask Salesforce for a higher allocation.",
    ],
    recheck:
      "`orgwatch check --org <org-id> --json` shows the last usage seen; the alert resolves when usage falls below 90%.",
  },
  OrgwatchLoginBudgetNearlyUsed: {
    title: "orgwatch's login budget for an org is nearly spent",
    means:
      "orgwatch sent more than 80% of its configured hourly token requests (`loginBudgetPerHour`) for the org's user. When the budget is spent it postpones that org's checks (then `OrgwatchNotChecking` fires). Salesforce allows 3,600 logins per user per hour, shared with the real integration.",
    owner: "whoever runs orgwatch",
    steps: [
      "Repeated failures are checked again with back-off; a short interval or many orgs sharing one user spend the budget. Lengthen the org's `interval`.",
      "`orgwatch check --force` bypasses the budget but still counts the login: avoid loops of it.",
      "Raise `loginBudgetPerHour` only if the integration has headroom under 3,600 an hour.",
    ],
    recheck: "The alert resolves as the hour's window rolls on.",
  },
};

/** The runbook text of a non-cause alert. */
export function alertRunbook(name: string, r: AlertRunbook): string {
  return [
    `# ${name}: ${r.title}`,
    "",
    "<!-- Generated by `npm run runbooks` from scripts/runbooks/alerts.ts; do not edit. -->",
    "",
    `- **Who fixes it:** ${r.owner}.`,
    "",
    "## What it means",
    "",
    r.means,
    "",
    "## Fix",
    "",
    ...r.steps.map((s, i) => `${String(i + 1)}. ${s}`),
    "",
    "## Re-check",
    "",
    r.recheck,
    "",
  ].join("\n");
}
