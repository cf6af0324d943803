import { describe, expect, it } from "vitest";
import { CAUSE_IDS } from "../../src/domain/causes.js";
import { type createRegistry } from "../../src/metrics/index.js";
import { INSTANCE, NOW, setup, USERNAME, view } from "../helpers/metrics.js";
import { fakeResult } from "../helpers/store.js";

/** The value of one series in the exposition text, or undefined when absent. */
async function value(
  registry: ReturnType<typeof createRegistry>,
  series: string,
): Promise<number | undefined> {
  const text = await registry.metrics();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("fleet metrics", () => {
  it("count passes, stages, failures by cause, skips and lag", async () => {
    const { registry } = setup();
    expect(await value(registry, 'orgwatch_checks_total{result="healthy"}')).toBe(1);
    expect(await value(registry, 'orgwatch_checks_total{result="unhealthy"}')).toBe(1);
    expect(await value(registry, 'orgwatch_checks_total{result="error"}')).toBe(1);
    expect(await value(registry, 'orgwatch_check_failures_total{cause="user_inactive"}')).toBe(1);
    expect(
      await value(registry, 'orgwatch_stage_results_total{stage="token",result="failed"}'),
    ).toBe(1);
    expect(
      await value(registry, 'orgwatch_stage_results_total{stage="metadata",result="skipped"}'),
    ).toBe(1);
    expect(
      await value(registry, 'orgwatch_stage_results_total{stage="metadata",result="ok"}'),
    ).toBe(1);
    expect(await value(registry, 'orgwatch_budget_skips_total{reason="api_floor"}')).toBe(1);
    expect(await value(registry, 'orgwatch_budget_skips_total{reason="login_budget"}')).toBe(0);
    expect(await value(registry, "orgwatch_scheduler_lag_seconds_count")).toBe(1);
    expect(await value(registry, "orgwatch_login_requests_total")).toBe(2);
  });

  it("report orgs by state and by cause at scrape time, every cause present", async () => {
    const { registry, orgs } = setup();
    expect(await value(registry, 'orgwatch_orgs{state="healthy"}')).toBe(1);
    expect(await value(registry, 'orgwatch_orgs{state="unknown"}')).toBe(1);
    expect(await value(registry, "orgwatch_orgs_backoff")).toBe(1);
    for (const cause of CAUSE_IDS) {
      const expected = cause === "user_inactive" ? 1 : 0;
      expect(await value(registry, `orgwatch_orgs_by_cause{cause="${cause}"}`)).toBe(expected);
    }
    orgs[1] = view("beta");
    expect(await value(registry, 'orgwatch_orgs_by_cause{cause="user_inactive"}')).toBe(0);
    expect(await value(registry, 'orgwatch_orgs{state="healthy"}')).toBe(2);
  });
});

describe("per-org metrics", () => {
  it("export up, cause, timestamps, token duration, budgets and certificate expiry", async () => {
    const { registry } = setup();
    expect(await value(registry, 'orgwatch_org_up{org="acme"}')).toBe(1);
    expect(await value(registry, 'orgwatch_org_up{org="beta"}')).toBe(0);
    expect(await value(registry, 'orgwatch_org_up{org="gamma"}')).toBeUndefined();
    expect(await value(registry, 'orgwatch_org_cause{org="beta",cause="user_inactive"}')).toBe(1);
    expect(await value(registry, 'orgwatch_org_last_check_timestamp_seconds{org="acme"}')).toBe(
      NOW / 1000,
    );
    expect(
      await value(registry, 'orgwatch_org_last_success_timestamp_seconds{org="beta"}'),
    ).toBeUndefined();
    expect(await value(registry, 'orgwatch_org_token_duration_seconds{org="acme"}')).toBe(0.25);
    expect(await value(registry, 'orgwatch_org_api_requests_used{org="acme"}')).toBe(1200);
    expect(await value(registry, 'orgwatch_org_api_requests_limit{org="acme"}')).toBe(15000);
    expect(await value(registry, 'orgwatch_org_login_budget_used{org="acme"}')).toBe(3);
    expect(await value(registry, 'orgwatch_org_login_budget_limit{org="acme"}')).toBe(36);
    expect(
      await value(registry, 'orgwatch_org_certificate_expiry_timestamp_seconds{org="acme"}'),
    ).toBe(Date.parse("2026-06-01T00:00:00.000Z") / 1000);
    expect(await value(registry, 'orgwatch_org_backoff_level{org="beta"}')).toBe(2);
  });

  it("drop an org's series when it leaves the config, and none at all when perOrg is off", async () => {
    const { registry, orgs } = setup();
    orgs.splice(0, 1);
    expect(await value(registry, 'orgwatch_org_up{org="acme"}')).toBeUndefined();
    const off = setup(false).registry;
    expect(await off.metrics()).not.toContain("orgwatch_org_");
    expect(await off.metrics()).toContain("orgwatch_orgs_by_cause");
  });
});

describe("exposition", () => {
  it("never contains a username, URL or secret", async () => {
    const { registry, metrics } = setup();
    const r = fakeResult({
      orgId: "acme",
      at: NOW,
      cause: "ip_restricted",
      facts: { username: USERNAME },
    });
    r.stages[1] = {
      ...r.stages[1]!,
      evidence: {
        kind: "http",
        message: `denied for ${USERNAME} at ${INSTANCE}`,
        bodyExcerpt: "access_token=00Dxx!SECRET",
      },
    };
    metrics.recordResult(r);
    const text = await registry.metrics();
    for (const leak of [USERNAME, INSTANCE, "SECRET", "http://", "https://", "@"]) {
      expect(text).not.toContain(leak);
    }
  });
});
