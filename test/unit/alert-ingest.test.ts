import { describe, expect, it } from "vitest";
import { ingest } from "../../src/alerting/ingest.js";
import { activeSilence, notifiersFor } from "../../src/alerting/route.js";
import type { RouteConfig, SilenceConfig } from "../../src/config/alerting.js";
import type { AlertOp } from "../../src/domain/alerts.js";
import type { CauseId } from "../../src/domain/causes.js";
import type { OutboxEvent } from "../../src/domain/incident.js";

const T0 = Date.UTC(2026, 10, 5, 14, 2);
const ORGS: Record<string, string[]> = { a: ["customer"], b: ["customer"], c: [], v: ["vendor"] };
const org = (id: string) => (ORGS[id] ? { id, tags: ORGS[id] } : undefined);

let seq = 0;
function event(kind: OutboxEvent["kind"], orgId: string, cause: CauseId, at: number): OutboxEvent {
  seq += 1;
  return {
    seq,
    eventId: `e${String(seq)}`,
    orgId,
    incidentId: kind === "notice" ? null : `${orgId}:inc`,
    kind,
    cause,
    fromCause: null,
    at: new Date(at).toISOString(),
    checkId: `c${String(seq)}`,
    notice: kind === "notice" ? { days: 14, notAfter: "2026-11-20T00:00:00.000Z" } : null,
  };
}

const brief = (ops: AlertOp[]): string[] =>
  ops.map((o) =>
    o.op === "thread" ? `thread ${o.thread.id}` : `${o.op} ${o.threadId} ${o.incidentId}`,
  );

describe("routing", () => {
  const routes: RouteConfig[] = [
    { match: { tags: ["customer"], owners: ["customer"] }, notify: ["admins"], continue: true },
    {
      match: { causes: ["client_id_invalid", "key_invalid"] },
      notify: ["oncall", "pager"],
      continue: false,
    },
    { match: { owners: ["customer"] }, notify: ["oncall"], continue: false },
  ];
  it("first match wins unless continue; owners come from the catalogue", () => {
    expect(
      notifiersFor(routes, ["admins", "oncall", "pager"], org("a")!, "app_not_installed"),
    ).toEqual(["admins", "oncall"]);
    expect(notifiersFor(routes, ["admins", "oncall", "pager"], org("v")!, "key_invalid")).toEqual([
      "oncall",
      "pager",
    ]);
    expect(
      notifiersFor(routes, ["admins", "oncall", "pager"], org("c")!, "salesforce_unavailable"),
    ).toEqual([]);
    expect(notifiersFor([], ["x", "y"], org("c")!, "unknown")).toEqual(["x", "y"]);
  });

  it("a silence holds only inside its window and only what it matches", () => {
    const s: SilenceConfig[] = [
      {
        match: { tags: ["customer"] },
        start: new Date(T0).toISOString(),
        end: new Date(T0 + 3_600_000).toISOString(),
        comment: "refresh",
      },
    ];
    expect(activeSilence(s, org("a")!, "api_disabled", T0 - 1)).toBeNull();
    expect(activeSilence(s, org("a")!, "api_disabled", T0)?.comment).toBe("refresh");
    expect(activeSilence(s, org("c")!, "api_disabled", T0)).toBeNull();
    expect(activeSilence(s, org("a")!, "api_disabled", T0 + 3_600_000)).toBeNull();
  });
});

describe("ingest", () => {
  const base = { routes: [], notifiers: ["oncall"], org, groupMaxAge: 3_600_000 };

  it("orgs hit by one cause join one thread; another cause starts its own", () => {
    const ops = ingest({
      ...base,
      open: [],
      events: [
        event("opened", "a", "client_id_invalid", T0),
        event("opened", "b", "client_id_invalid", T0 + 5_000),
        event("opened", "c", "api_disabled", T0 + 6_000),
      ],
    });
    expect(brief(ops)).toEqual([
      "thread oncall:a:inc",
      "join oncall:a:inc a:inc",
      "join oncall:a:inc b:inc",
      "thread oncall:c:inc",
      "join oncall:c:inc c:inc",
    ]);
  });

  it("cause changes and resolves reach every thread the incident is in; a too old thread is not joined", () => {
    const first = ingest({
      ...base,
      notifiers: ["oncall", "mail"],
      open: [],
      events: [event("opened", "a", "api_disabled", T0)],
    });
    const threads = first.flatMap((o) => (o.op === "thread" ? [o.thread] : []));
    const open = threads.map((thread) => ({
      thread,
      members: [
        {
          threadId: thread.id,
          incidentId: "a:inc",
          orgId: "a",
          joinedAt: T0,
          cause: "api_disabled" as const,
          resolvedAt: null,
          changedVersion: 1,
        },
      ],
    }));
    const later = ingest({
      ...base,
      notifiers: ["oncall", "mail"],
      open,
      events: [
        event("cause_changed", "a", "insufficient_access", T0 + 60_000),
        event("resolved", "a", "insufficient_access", T0 + 120_000),
        event("opened", "b", "api_disabled", T0 + 2 * 3_600_000),
      ],
    });
    expect(brief(later)).toEqual([
      "cause oncall:a:inc a:inc",
      "cause mail:a:inc a:inc",
      "resolve oncall:a:inc a:inc",
      "resolve mail:a:inc a:inc",
      "thread oncall:b:inc",
      "join oncall:b:inc b:inc",
      "thread mail:b:inc",
      "join mail:b:inc b:inc",
    ]);
  });

  it("a notice starts a notice thread; an org no longer configured starts nothing", () => {
    const ops = ingest({
      ...base,
      open: [],
      events: [
        event("notice", "a", "certificate_expiring", T0),
        event("opened", "gone", "api_disabled", T0),
      ],
    });
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({
      op: "thread",
      thread: { kind: "notice", notice: { orgId: "a", days: 14 } },
    });
  });
});

describe("links in fix steps", () => {
  it("keeps real URLs once and skips what only looks like one", async () => {
    const { linksOf } = await import("../../src/alerting/message.js");
    const links = linksOf([
      "Open Setup (https://acme.my.salesforce.com/lightning/setup/PermSets/home) and https://<this-is-not-a-url>",
      "Again: https://acme.my.salesforce.com/lightning/setup/PermSets/home.",
      "Placeholder `https://<your-domain>.my.salesforce.com`",
    ]);
    expect(links.map((l) => l.url)).toEqual([
      "https://acme.my.salesforce.com/lightning/setup/PermSets/home",
    ]);
  });
});
