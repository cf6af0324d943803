import type { AlertMessage, AlertOrg } from "../../src/alerting/types.js";
import { createLogger, type Logger } from "../../src/platform/logger.js";

/** An org of a message. */
export function alertOrg(id: string, overrides: Partial<AlertOrg> = {}): AlertOrg {
  return {
    id,
    name: `${id} Corp`,
    cause: "app_not_installed",
    since: "2026-12-01T10:00:00.000Z",
    resolvedAt: null,
    changed: false,
    ...overrides,
  };
}

/** A realistic message of a thread, opened at 10:00 for org acme; override what a test varies. */
export function alertMessage(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    deliveryId: "thr-acme-1:open",
    threadId: "thr-acme-1",
    kind: "open",
    state: "firing",
    severity: "critical",
    cause: "app_not_installed",
    owner: "customer",
    title: "acme: app not installed in the org",
    summary: "The connected app orgwatch logs in with is not installed in acme's org.",
    fix: [
      "Open Setup > Connected Apps OAuth Usage in acme's org.",
      "Install the app, then pre-authorize the integration user's profile.",
    ],
    links: [{ label: "Connected Apps OAuth Usage", url: "https://acme.my.salesforce.com/setup" }],
    orgs: [alertOrg("acme")],
    counts: { total: 1, open: 1 },
    openedAt: "2026-12-01T10:00:00.000Z",
    resolvedAt: null,
    changes: [],
    flapping: false,
    text: "FIRING acme: app not installed in the org\n\n1. Open Setup > Connected Apps OAuth Usage.",
    recheck: "orgwatch check --config /etc/orgwatch.yaml --org acme",
    ...overrides,
  };
}

/** The same thread one step later: a cause change, then the recovery. */
export function threadSteps(): { open: AlertMessage; update: AlertMessage; resolve: AlertMessage } {
  const open = alertMessage();
  const update = alertMessage({
    deliveryId: "thr-acme-1:update:1",
    kind: "update",
    cause: "user_not_preauthorized",
    title: "acme: user not pre-authorized",
    changes: ["acme: app_not_installed → user_not_preauthorized"],
    orgs: [alertOrg("acme", { cause: "user_not_preauthorized", changed: true })],
  });
  const resolve = alertMessage({
    deliveryId: "thr-acme-1:resolve",
    kind: "resolve",
    state: "resolved",
    title: "acme: recovered",
    resolvedAt: "2026-12-01T11:00:00.000Z",
    counts: { total: 1, open: 0 },
    orgs: [alertOrg("acme", { cause: null, resolvedAt: "2026-12-01T11:00:00.000Z" })],
  });
  return { open, update, resolve };
}

/** A real pino logger (the process one, redaction included) whose lines a test can read. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    level: "debug",
    destination: { write: (s: string) => lines.push(s) },
  });
  return { logger, lines };
}

/** A signal that never aborts. */
export const NEVER = new AbortController().signal;
