import { describe, expect, it } from "vitest";
import { decide, type DecidePolicy, type MemberFacts } from "../../src/alerting/decide.js";
import type {
  AlertDelivery,
  AlertMember,
  AlertThread,
  DeliveryKind,
} from "../../src/domain/alerts.js";

const T0 = Date.UTC(2026, 10, 5, 14, 2);
const S = 1000;
const MIN = 60 * S;
const POLICY: DecidePolicy = {
  groupWait: 30 * S,
  updateInterval: 30 * S,
  reminderEvery: 4 * 60 * MIN,
  transientHold: 15 * MIN,
};

function thread(patch: Partial<AlertThread> = {}): AlertThread {
  return {
    id: "oncall:acme:x",
    notifier: "oncall",
    kind: "incident",
    cause: "app_not_installed",
    createdAt: T0,
    version: 1,
    rootRef: null,
    closedAt: null,
    notice: null,
    ...patch,
  };
}

function member(org: string, patch: Partial<AlertMember> = {}): AlertMember {
  return {
    threadId: "oncall:acme:x",
    incidentId: `${org}:i`,
    orgId: org,
    joinedAt: T0,
    cause: "app_not_installed",
    resolvedAt: null,
    changedVersion: 1,
    ...patch,
  };
}

function sent(kind: DeliveryKind, at: number, version: number, seq = 1): AlertDelivery {
  return {
    id: `d${String(seq)}`,
    threadId: "oncall:acme:x",
    seq,
    kind,
    version,
    createdAt: at,
    status: "sent",
    attempts: 1,
    nextAttemptAt: at,
    lastError: null,
    sentAt: at,
  };
}

const plain: MemberFacts = { silenced: false, transient: false, flapping: false };
const facts =
  (by: Record<string, Partial<MemberFacts>> = {}) =>
  (m: AlertMember): MemberFacts => ({ ...plain, ...by[m.orgId] });

type Row = [
  name: string,
  t: AlertThread,
  members: AlertMember[],
  log: AlertDelivery[],
  f: ReturnType<typeof facts>,
  now: number,
  expected: string | null,
];

const table: Row[] = [
  [
    "waits groupWait before the first message",
    thread(),
    [member("acme")],
    [],
    facts(),
    T0 + 29 * S,
    null,
  ],
  ["opens after groupWait", thread(), [member("acme")], [], facts(), T0 + 30 * S, "send:open"],
  [
    "one open lists every org that joined within the wait",
    thread({ version: 3 }),
    [member("a"), member("b", { changedVersion: 2 }), member("c", { changedVersion: 3 })],
    [],
    facts(),
    T0 + 30 * S,
    "send:open@3",
  ],
  [
    "a transient cause does not page before it outlasts its hold",
    thread({ cause: "app_propagating" }),
    [member("acme", { cause: "app_propagating" })],
    [],
    facts({ acme: { transient: true } }),
    T0 + 14 * MIN,
    null,
  ],
  [
    "a transient cause that lasts pages",
    thread({ cause: "app_propagating" }),
    [member("acme", { cause: "app_propagating" })],
    [],
    facts({ acme: { transient: true } }),
    T0 + 15 * MIN,
    "send:open",
  ],
  [
    "silenced: no open",
    thread(),
    [member("acme")],
    [],
    facts({ acme: { silenced: true } }),
    T0 + MIN,
    null,
  ],
  [
    "opened and recovered unseen (inside a window): closes without a word",
    thread({ version: 2 }),
    [member("acme", { resolvedAt: T0 + MIN, changedVersion: 2 })],
    [],
    facts({ acme: { silenced: true } }),
    T0 + 2 * MIN,
    "close",
  ],
  [
    "recovered after the open: resolve, even while silenced",
    thread({ version: 2 }),
    [member("acme", { resolvedAt: T0 + 5 * MIN, changedVersion: 2 })],
    [sent("open", T0 + 30 * S, 1)],
    facts({ acme: { silenced: true } }),
    T0 + 5 * MIN,
    "send:resolve+close@2",
  ],
  [
    "a cause change after the open: an update",
    thread({ version: 2 }),
    [member("acme", { cause: "user_not_preauthorized", changedVersion: 2 })],
    [sent("open", T0 + 30 * S, 1)],
    facts(),
    T0 + 2 * MIN,
    "send:update@2",
  ],
  [
    "updates are batched by updateInterval",
    thread({ version: 3 }),
    [member("acme"), member("b", { changedVersion: 3 })],
    [sent("open", T0 + 30 * S, 1), sent("update", T0 + 60 * S, 2, 2)],
    facts(),
    T0 + 80 * S,
    null,
  ],
  [
    "one of two recovered: an update with the count left",
    thread({ version: 2 }),
    [member("a"), member("b", { resolvedAt: T0 + 3 * MIN, changedVersion: 2 })],
    [sent("open", T0 + 30 * S, 1)],
    facts(),
    T0 + 3 * MIN,
    "send:update@2",
  ],
  [
    "no reminder before reminderEvery",
    thread(),
    [member("acme")],
    [sent("open", T0 + 30 * S, 1)],
    facts(),
    T0 + 30 * S + 4 * 60 * MIN - 1,
    null,
  ],
  [
    "a reminder every reminderEvery while open",
    thread(),
    [member("acme")],
    [sent("open", T0 + 30 * S, 1)],
    facts(),
    T0 + 30 * S + 4 * 60 * MIN,
    "send:reminder",
  ],
  [
    "flapping quiets reminders",
    thread(),
    [member("acme")],
    [sent("open", T0 + 30 * S, 1)],
    facts({ acme: { flapping: true } }),
    T0 + 5 * 60 * MIN,
    null,
  ],
  [
    "a silence that starts after the open quiets reminders, not the incident",
    thread(),
    [member("acme")],
    [sent("open", T0 + 30 * S, 1)],
    facts({ acme: { silenced: true } }),
    T0 + 5 * 60 * MIN,
    null,
  ],
  [
    "a notice is sent once",
    thread({ kind: "notice", cause: "certificate_expiring" }),
    [],
    [],
    facts(),
    T0,
    "send:notice+close",
  ],
  [
    "a closed thread decides nothing",
    thread({ closedAt: T0 + MIN }),
    [member("acme")],
    [],
    facts(),
    T0 + 60 * MIN,
    null,
  ],
];

describe("alert decision", () => {
  for (const [name, t, members, log, f, now, expected] of table) {
    it(name, () => {
      const d = decide(t, members, log, f, now, POLICY);
      const shown =
        d === null
          ? null
          : d.action === "close"
            ? "close"
            : `send:${d.kind}${d.close ? "+close" : ""}${d.version > 1 ? `@${String(d.version)}` : ""}`;
      expect(shown).toBe(expected);
    });
  }
});
