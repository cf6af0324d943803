import type { AlertMessage, AlertOrg } from "../../src/alerting/types.js";

let seq = 0;

/** An org of an alert, down since an hour ago unless told otherwise. */
export function alertOrg(id: string, overrides: Partial<AlertOrg> = {}): AlertOrg {
  return {
    id,
    name: id,
    cause: "app_not_installed",
    since: new Date(Date.now() - 3_600_000).toISOString(),
    resolvedAt: null,
    changed: false,
    ...overrides,
  };
}

/** A realistic alert message for notifier tests: one org, firing, opened an hour ago. */
export function alertMessage(overrides: Partial<AlertMessage> = {}): AlertMessage {
  seq += 1;
  const openedAt = new Date(Date.now() - 3_600_000).toISOString();
  return {
    deliveryId: `d-${process.pid}-${seq}`,
    threadId: "t-acme-app_not_installed",
    kind: "open",
    state: "firing",
    severity: "critical",
    cause: "app_not_installed",
    owner: "customer",
    title: "acme: app not installed in the org",
    summary: "The connected app is not installed in acme, so the JWT login is refused.",
    fix: [
      "Open Setup → Connected Apps → Manage and install the app.",
      "Pre-authorize the integration user's profile.",
    ],
    links: [
      {
        label: "Connected Apps (acme)",
        url: "https://acme.my.salesforce.com/lightning/setup/ConnectedApplication/home",
      },
    ],
    orgs: [alertOrg("acme", { name: "Acme Corp" })],
    counts: { total: 1, open: 1 },
    openedAt,
    resolvedAt: null,
    changes: [],
    flapping: false,
    text: "acme: app not installed in the org\nInstall the app in acme.",
    recheck: "orgwatch check --config /etc/orgwatch.yaml --org acme",
    ...overrides,
  };
}
