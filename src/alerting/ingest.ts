import type { AlertMember, AlertOp, AlertThread } from "../domain/alerts.js";
import type { OutboxEvent } from "../domain/incident.js";
import { notifiersFor, type RoutableOrg } from "./route.js";
import type { RouteConfig } from "../config/alerting.js";

/** What ingesting needs: routing, the group age limit, and the threads open now. */
export interface IngestInput {
  events: readonly OutboxEvent[];
  open: readonly { thread: AlertThread; members: AlertMember[] }[];
  routes: readonly RouteConfig[];
  notifiers: readonly string[];
  /** An org that left the config gets no new thread (its events are still consumed). */
  org: (orgId: string) => RoutableOrg | undefined;
  /** A cause joins an open thread of the same cause younger than this (ms). */
  groupMaxAge: number;
}

/**
 * Turns committed outbox events into thread changes, a pure function: an opened incident joins
 * the open thread its notifier has for that cause (when young enough) or starts one; a cause
 * change or a resolve changes the member in every thread it is in; a notice starts a notice
 * thread per notifier. Thread ids are deterministic, so a replay changes nothing.
 */
export function ingest(input: IngestInput): AlertOp[] {
  const ops: AlertOp[] = [];
  const threads = input.open.map((o) => ({
    thread: o.thread,
    incidents: new Set(o.members.map((m) => m.incidentId)),
  }));
  for (const e of input.events) {
    const at = Date.parse(e.at);
    if (e.kind === "cause_changed" || e.kind === "resolved") {
      for (const t of threads) {
        if (e.incidentId === null || !t.incidents.has(e.incidentId)) continue;
        ops.push(
          e.kind === "resolved"
            ? { op: "resolve", threadId: t.thread.id, incidentId: e.incidentId, at }
            : { op: "cause", threadId: t.thread.id, incidentId: e.incidentId, cause: e.cause },
        );
      }
      continue;
    }
    const org = input.org(e.orgId);
    if (!org) continue;
    for (const notifier of notifiersFor(input.routes, input.notifiers, org, e.cause)) {
      if (e.kind === "notice") {
        if (!e.notice) continue;
        const thread: AlertThread = {
          id: `${notifier}:${e.eventId}`,
          notifier,
          kind: "notice",
          cause: e.cause,
          createdAt: at,
          version: 1,
          rootRef: null,
          closedAt: null,
          notice: { type: "certificate", orgId: e.orgId, ...e.notice },
        };
        ops.push({ op: "thread", thread });
        continue;
      }
      if (e.incidentId === null) continue;
      let target = threads.find(
        (t) =>
          t.thread.notifier === notifier &&
          t.thread.kind === "incident" &&
          t.thread.cause === e.cause &&
          at - t.thread.createdAt <= input.groupMaxAge,
      );
      if (!target) {
        const thread: AlertThread = {
          id: `${notifier}:${e.incidentId}`,
          notifier,
          kind: "incident",
          cause: e.cause,
          createdAt: at,
          version: 1,
          rootRef: null,
          closedAt: null,
          notice: null,
        };
        ops.push({ op: "thread", thread });
        target = { thread, incidents: new Set() };
        threads.push(target);
      }
      target.incidents.add(e.incidentId);
      ops.push({
        op: "join",
        threadId: target.thread.id,
        incidentId: e.incidentId,
        orgId: e.orgId,
        cause: e.cause,
        at,
      });
    }
  }
  return ops;
}
