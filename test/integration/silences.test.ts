/**
 * Run-time silences: the SQLite store, createSilence's validation, and the alerting engine
 * honouring them like the config's (a real webhook peer on loopback, a manual clock).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AlertEngine } from "../../src/alerting/engine.js";
import { createNotifier } from "../../src/alerting/notifiers/index.js";
import { createSilence, type SilenceRequest } from "../../src/alerting/silences.js";
import { loadConfigTree } from "../../src/config/load.js";
import type { CauseId } from "../../src/domain/causes.js";
import { createMetrics, createRegistry } from "../../src/metrics/index.js";
import { Coordinator } from "../../src/monitor/coordinator.js";
import { Fleet } from "../../src/monitor/fleet.js";
import { ManualClock } from "../../src/platform/clock.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { createLogger } from "../../src/platform/logger.js";
import {
  BatchWriter,
  openStore,
  type RecordedPass,
  type SqliteHistoryStore,
} from "../../src/store/index.js";
import { startHttpSink, type HttpSink } from "../helpers/http-sink.js";
import { fakeResult, tempStore } from "../helpers/store.js";

const T0 = Date.UTC(2026, 10, 9, 9, 0);
const MIN = 60_000;
const H = 60 * MIN;

let id: GeneratedIdentity;
let hooks: HttpSink;
let store: SqliteHistoryStore;
let path: string;
let cleanup: () => void;
let coordinator: Coordinator;
let passes: BatchWriter<RecordedPass>;
let engine: AlertEngine;
const clock = new ManualClock(T0);
let ids = 0;
const nextId = (): string => `s${String((ids += 1))}`;

beforeAll(async () => {
  id = generateIdentity();
  hooks = await startHttpSink();
});

afterAll(async () => {
  await hooks.close();
});

beforeEach(() => {
  hooks.requests.length = 0;
  hooks.answer({ status: 200 });
  clock.set(T0);
  ({ store, path, cleanup } = tempStore());
  const config = loadConfigTree(
    {
      defaults: { failureThreshold: 1, interval: "5m" },
      alerting: { groupWait: "30s", updateInterval: "30s", reminderEvery: "1h" },
      notifiers: [{ name: "hooks", kind: "webhook", url: hooks.url }],
      orgs: ["acme", "beta"].map((org) => ({
        id: org,
        loginUrl: `https://${org}.my.salesforce.com`,
        clientId: "3MVG9test",
        username: `integration@${org}.example`,
        privateKey: id.privateKeyPem,
        tags: org === "beta" ? ["eu"] : [],
      })),
    },
    { file: "/tmp/silences.yaml", env: {} },
  );
  expect(config.problems.filter((p) => p.effect !== "warning")).toEqual([]);
  const fleet = new Fleet();
  for (const t of config.orgs) fleet.add(t);
  const logger = createLogger({ level: "silent" });
  passes = new BatchWriter<RecordedPass>((b) => store.commitPasses(b));
  const metrics = createMetrics({ registry: createRegistry(), perOrg: false, orgs: () => [] });
  coordinator = new Coordinator({ fleet, ledger: store, passes, metrics, logger });
  engine = new AlertEngine({
    config: config.alerting,
    notifiers: config.alerting.notifiers.map((n) => createNotifier(n, { logger, clock })),
    log: store.alerts,
    silences: store.silences,
    sources: store,
    org: (id) => fleet.identity(id),
    clock,
    logger,
  });
});

afterEach(() => {
  cleanup();
});

let n = 0;
function pass(org: string, at: number, cause: CauseId | null): void {
  n += 1;
  coordinator.record(
    fakeResult({ orgId: org, at, cause, stage: "rest", checkId: `${org}:${String(n)}` }),
    at,
  );
  passes.flush();
}

async function tick(at: number): Promise<void> {
  clock.set(at);
  await engine.tick();
}

const kinds = (org: string): string[] =>
  hooks.requests
    .map((r) => JSON.parse(r.raw.toString()) as { kind: string; orgs: { id: string }[] })
    .filter((b) => b.orgs.some((o) => o.id === org))
    .map((b) => b.kind);

const request = (extra: Partial<SilenceRequest> = {}): SilenceRequest => ({
  match: { orgs: ["acme"] },
  durationMs: H,
  createdBy: "ops@example.com",
  comment: "maintenance",
  ...extra,
});

describe("createSilence", () => {
  it("names the field that is wrong", () => {
    const wrong = (extra: Partial<SilenceRequest>, base = request()): unknown => {
      const r = createSilence(store.silences, { ...base, ...extra }, T0, nextId);
      return r.ok ? null : { field: r.field, message: r.message };
    };
    expect(wrong({ match: {} })).toEqual({
      field: "match",
      message: "name at least one of orgs, tags, causes, owners",
    });
    expect(wrong({ match: { orgs: [] } })).toMatchObject({ field: "match" });
    expect(wrong({ match: { causes: ["nope" as CauseId] } })).toEqual({
      field: "match.causes",
      message: '"nope" is not a cause id',
    });
    expect(wrong({ endsAt: T0 + H })).toMatchObject({ field: "endsAt" });
    expect(wrong({ durationMs: 0 })).toMatchObject({ field: "duration" });
    const noDuration: SilenceRequest = {
      match: { orgs: ["acme"] },
      createdBy: "ops@example.com",
      comment: "maintenance",
    };
    expect(wrong({ endsAt: T0 - 1 }, noDuration)).toMatchObject({ field: "endsAt" });
    expect(wrong({}, noDuration)).toMatchObject({ field: "endsAt" });
    expect(wrong({ createdBy: "  " })).toMatchObject({ field: "createdBy" });
    expect(wrong({ comment: "" })).toMatchObject({ field: "comment" });
    expect(store.silences.silencesSince(0)).toEqual([]);
  });

  it("stores, lists and expires silences, and they survive a reopen", () => {
    const now = createSilence(store.silences, request(), T0, nextId);
    const later = createSilence(
      store.silences,
      request({ match: { tags: ["eu"] }, startsAt: T0 + H, durationMs: H }),
      T0,
      nextId,
    );
    if (!now.ok || !later.ok) throw new Error("not created");
    expect(now.silence).toMatchObject({ startsAt: T0, endsAt: T0 + H, createdAt: T0 });
    expect(store.silences.activeSilences(T0).map((s) => s.id)).toEqual([now.silence.id]);
    // Expiring a pending silence ends it before it starts (Alertmanager does the same).
    expect(store.silences.expireSilence(later.silence.id, T0 + MIN)).toMatchObject({
      startsAt: T0 + MIN,
      endsAt: T0 + MIN,
    });
    expect(store.silences.expireSilence(now.silence.id, T0 + 2 * MIN)?.endsAt).toBe(T0 + 2 * MIN);
    expect(store.silences.expireSilence(now.silence.id, T0 + 3 * MIN)?.endsAt).toBe(T0 + 2 * MIN);
    expect(store.silences.expireSilence("missing", T0)).toBeNull();
    store.close();
    store = openStore(path);
    expect(store.silences.activeSilences(T0 + 3 * MIN)).toEqual([]);
    expect(store.silences.silence(now.silence.id)).toEqual({
      ...now.silence,
      endsAt: T0 + 2 * MIN,
    });
    expect(store.silences.silencesSince(T0).map((s) => s.id)).toEqual([
      later.silence.id,
      now.silence.id,
    ]);
    expect(store.prune(T0 + 10 * H, { raw: H, hourly: H, daily: H }).silences).toBe(2);
  });
});

describe("the alerting engine with run-time silences", () => {
  it("sends nothing for a silenced org; the open goes out once the silence is expired", async () => {
    expect(createSilence(store.silences, request(), T0, nextId).ok).toBe(true);
    pass("acme", T0, "api_disabled");
    pass("beta", T0, "user_inactive");
    await tick(T0 + MIN);
    await tick(T0 + 5 * MIN);
    expect(kinds("acme")).toEqual([]);
    expect(kinds("beta")).toEqual(["open"]);
    const [silence] = store.silences.activeSilences(T0 + 10 * MIN);
    store.silences.expireSilence(silence?.id ?? "", T0 + 10 * MIN);
    await tick(T0 + 11 * MIN);
    expect(kinds("acme")).toEqual(["open"]);
  });

  it("a silence by tag started mid-incident holds the reminder until it ends", async () => {
    pass("beta", T0, "user_inactive");
    await tick(T0 + MIN);
    expect(
      createSilence(
        store.silences,
        request({ match: { tags: ["eu"] }, durationMs: 2 * H }),
        T0 + 2 * MIN,
        nextId,
      ).ok,
    ).toBe(true);
    await tick(T0 + 90 * MIN);
    expect(kinds("beta")).toEqual(["open"]);
    await tick(T0 + 2 * H + 3 * MIN);
    expect(kinds("beta")).toEqual(["open", "reminder"]);
  });
});
