import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emailNotifierSchema } from "../../src/config/alerting.js";
import { createEmailNotifier } from "../../src/alerting/notifiers/email.js";
import type { SendResult } from "../../src/alerting/types.js";
import { alertMessage, alertOrg, capturedLogger, NEVER, threadSteps } from "../helpers/alerts.js";
import { startSmtpSink, type SmtpSink } from "../../scripts/sinks/smtp-sink.js";

const PASSWORD = "smtp-pa55-9c1e7f";
let sink: SmtpSink;

beforeEach(async () => {
  sink = await startSmtpSink();
});
afterEach(async () => {
  await sink.close();
});

function notifier(smtp: Record<string, unknown> = {}, timeout = "3s") {
  const log = capturedLogger();
  const config = emailNotifierSchema.parse({
    name: "ops-mail",
    kind: "email",
    smtp: { host: sink.host, port: sink.port, ...smtp },
    from: "orgwatch@vendor.example",
    to: ["oncall@vendor.example", "admin@customer.example"],
    timeout,
  });
  return { n: createEmailNotifier(config, { logger: log.logger }), lines: log.lines };
}

function failed(result: SendResult): asserts result is SendResult & { ok: false } {
  expect(result.ok).toBe(false);
}

describe("email notifier against a real SMTP server", () => {
  it("delivers both parts with a short subject and its Message-ID as the thread ref", async () => {
    const { n } = notifier();
    const message = alertMessage({
      title: "acme: <script>alert(1)</script> & co",
      links: [
        { label: "Setup", url: "https://acme.my.salesforce.com/setup?a=1&b=2" },
        { label: "evil", url: "javascript:alert(1)" },
      ],
      changes: ["acme joined"],
    });
    const result = await n.send(message, { rootRef: null }, NEVER);
    expect(result).toEqual({ ok: true, ref: "<thr-acme-1=3Aopen@orgwatch>" });
    expect(sink.mails).toHaveLength(1);
    const mail = sink.mails[0]!;
    expect(mail.from).toBe("orgwatch@vendor.example");
    expect(mail.to).toEqual(["oncall@vendor.example", "admin@customer.example"]);
    expect(mail.subject).toBe("[orgwatch] FIRING acme: <script>alert(1)</script> & co");
    expect(mail.messageId).toBe("<thr-acme-1=3Aopen@orgwatch>");
    expect(mail.inReplyTo).toBeNull();
    expect(mail.text?.replace(/\r\n/g, "\n").trimEnd()).toBe(message.text);
    const html = mail.html!;
    expect(html).toContain("acme: &lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
    expect(html).not.toContain("<script>");
    expect(html).toContain('<a href="https://acme.my.salesforce.com/setup?a=1&amp;b=2">Setup</a>');
    expect(html).not.toContain("javascript:");
    expect(html).toContain("app_not_installed");
    expect(html).toContain("customer");
    expect(html).toContain("acme (acme Corp): app_not_installed since 2026-12-01T10:00:00.000Z");
    expect(html).toMatch(
      /<ol><li>Open Setup &gt; Connected Apps OAuth Usage in acme&#39;s org\.<\/li><li>Install/,
    );
    expect(html).toContain("1 down of 1");
    expect(html).toContain("acme joined");
    expect(html).toContain("orgwatch check --config /etc/orgwatch.yaml --org acme");
  });

  it("threads open → update → resolve under the first mail's Message-ID", async () => {
    const { n } = notifier();
    const { open, update, resolve } = threadSteps();
    const first = await n.send(open, { rootRef: null }, NEVER);
    expect(first.ok).toBe(true);
    const root = first.ok ? first.ref! : "";
    expect(await n.send(update, { rootRef: root }, NEVER)).toEqual({ ok: true });
    expect(await n.send(resolve, { rootRef: root }, NEVER)).toEqual({ ok: true });
    const [a, b, c] = sink.mails;
    expect(a?.messageId).toBe(root);
    expect(b?.messageId).toBe("<thr-acme-1=3Aupdate=3A1@orgwatch>");
    expect(c?.messageId).toBe("<thr-acme-1=3Aresolve@orgwatch>");
    for (const m of [b, c]) {
      expect(m?.inReplyTo).toBe(root);
      expect(m?.references).toBe(root);
    }
    expect(b?.subject).toBe("[orgwatch] UPDATE acme: user not pre-authorized");
    expect(c?.subject).toBe("[orgwatch] RESOLVED acme: recovered");
    // Sending the same delivery again gives the same Message-ID: a client shows one mail.
    await n.send(update, { rootRef: root }, NEVER);
    expect(sink.mails[3]?.messageId).toBe(b?.messageId);
  });

  it("lists the first 20 orgs and says how many more", async () => {
    const { n } = notifier();
    const orgs = Array.from({ length: 23 }, (_, i) => alertOrg(`org${i}`));
    await n.send(
      alertMessage({
        orgs,
        counts: { total: 23, open: 23 },
        kind: "reminder",
        title: "23 orgs: app not installed — Zürich café",
      }),
      { rootRef: null },
      NEVER,
    );
    const mail = sink.mails[0]!;
    expect(mail.subject).toBe("[orgwatch] REMINDER 23 orgs: app not installed — Zürich café");
    expect(mail.html).toContain("org19 (org19 Corp)");
    expect(mail.html).not.toContain("org20 (");
    expect(mail.html).toContain("+3 more");
  });

  it("logs in with the password, only when a user is set", async () => {
    sink.requireAuth("mailer", PASSWORD);
    const withUser = await notifier({ user: "mailer", password: PASSWORD }).n.send(
      alertMessage(),
      { rootRef: null },
      NEVER,
    );
    expect(withUser.ok).toBe(true);
    expect(sink.logins).toEqual([{ user: "mailer", password: PASSWORD, ok: true }]);
    expect(sink.mails[0]?.user).toBe("mailer");
    // Without a user no AUTH is tried, so a server that needs one refuses the sender (530).
    const anonymous = await notifier().n.send(alertMessage(), { rootRef: null }, NEVER);
    expect(anonymous).toMatchObject({ ok: false, reason: "auth", disable: true });
    expect(sink.logins).toHaveLength(1);
    expect(sink.mails[0]?.raw).not.toContain(PASSWORD);
  });

  it("a wrong password (535) disables the notifier and is never repeated", async () => {
    sink.requireAuth("mailer", "the-right-one");
    const { n, lines } = notifier({ user: "mailer", password: PASSWORD });
    const result = await n.send(alertMessage(), { rootRef: null }, NEVER);
    failed(result);
    expect(result).toMatchObject({ retryable: false, reason: "auth", disable: true });
    expect(result.detail).toContain("535");
    expect(sink.logins[0]).toMatchObject({ password: PASSWORD, ok: false });
    expect(JSON.stringify(result) + lines.join("")).not.toContain(PASSWORD);
    expect(lines).toHaveLength(1);
    expect(sink.mails).toHaveLength(0);
  });

  it.each([
    ["rcpt", 450, { retryable: true, reason: "server_error" }],
    ["data", 451, { retryable: true, reason: "server_error" }],
    ["data", 421, { retryable: true, reason: "server_error" }],
    ["rcpt", 550, { retryable: false, reason: "rejected" }],
    ["data", 554, { retryable: false, reason: "rejected" }],
  ] as const)("maps a %s refused with %i", async (stage, code, want) => {
    const { n, lines } = notifier({ user: "mailer", password: PASSWORD });
    sink.rejectNext(stage, code);
    const result = await n.send(alertMessage(), { rootRef: null }, NEVER);
    failed(result);
    expect(result).toMatchObject(want);
    expect(result.detail).toContain(String(code));
    expect(result.disable).toBeUndefined();
    expect(JSON.stringify(result) + lines.join("")).not.toContain(PASSWORD);
  });

  it("one refused recipient of two: delivered to the other, logged, not retried", async () => {
    const { n, lines } = notifier();
    sink.rejectRecipient("admin@customer.example", 550);
    const result = await n.send(alertMessage(), { rootRef: null }, NEVER);
    expect(result).toEqual({ ok: true, ref: "<thr-acme-1=3Aopen@orgwatch>" });
    expect(sink.mails.map((m) => m.to)).toEqual([["oncall@vendor.example"]]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ refused: 1, accepted: 1, level: 40 });
  });

  it("a server that stopped listening is a retryable network failure", async () => {
    const { n } = notifier();
    await sink.stopListening();
    const result = await n.send(alertMessage(), { rootRef: null }, NEVER);
    failed(result);
    expect(result).toMatchObject({ retryable: true, reason: "network" });
    expect(result.detail).toContain("ECONNREFUSED");
  });

  it("gives up after config.timeout when the server stalls", async () => {
    const { n } = notifier({}, "400ms");
    sink.stallNext("data");
    const started = performance.now();
    const result = await n.send(alertMessage(), { rootRef: null }, NEVER);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ ok: false, retryable: true, reason: "timeout" });
  });

  it("stops when the caller's signal aborts", async () => {
    const { n } = notifier({}, "10s");
    sink.stallNext("rcpt");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = performance.now();
    const result = await n.send(alertMessage(), { rootRef: null }, controller.signal);
    expect(performance.now() - started).toBeLessThan(3000);
    failed(result);
    expect(result).toMatchObject({ retryable: true, reason: "timeout" });
    expect(result.detail).toContain("cancelled");
  });
});
