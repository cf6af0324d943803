import nodemailer from "nodemailer";
import type { EmailNotifierConfig } from "../../config/alerting.js";
import type { Logger } from "../../platform/logger.js";
import type { AlertMessage, Notifier, SendResult, ThreadRef } from "../types.js";
import { emailHtml, emailSubject, messageIdFor } from "./email-render.js";
import { scrub, truncate } from "./format.js";

type Failure = SendResult & { ok: false };

/** The fields of a nodemailer error this notifier reads. */
interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
  response?: unknown;
  message?: unknown;
}

/** What the server said, one line, without any secret (a server may echo what it got). */
function smtpDetail(err: SmtpError, secrets: readonly string[]): string {
  const command = typeof err.command === "string" ? err.command : "SMTP";
  const said =
    typeof err.response === "string"
      ? err.response
      : typeof err.message === "string"
        ? err.message
        : "unknown error";
  const code = typeof err.code === "string" ? ` (${err.code})` : "";
  return truncate(scrub(`${command}: ${said.replace(/\s+/g, " ")}${code}`, secrets), 300);
}

/**
 * Maps a nodemailer failure: 535 (and other auth refusals) disable the notifier; 4xx replies
 * (421, 45x) and the connection failing are worth a retry; other 5xx replies are permanent.
 */
export function smtpFailure(err: SmtpError, secrets: readonly string[]): Failure {
  const detail = smtpDetail(err, secrets);
  const reply = typeof err.responseCode === "number" ? err.responseCode : null;
  const code = typeof err.code === "string" ? err.code : "";
  if (code === "EABORT") return { ok: false, retryable: true, reason: "timeout", detail };
  if (reply !== null && reply >= 400 && reply < 500) {
    return { ok: false, retryable: true, reason: "server_error", detail };
  }
  if (code === "EAUTH" || code === "ENOAUTH" || reply === 535 || reply === 530 || reply === 534) {
    return { ok: false, retryable: false, reason: "auth", detail, disable: true };
  }
  if (reply !== null && reply >= 500)
    return { ok: false, retryable: false, reason: "rejected", detail };
  if (code === "ETIMEDOUT") return { ok: false, retryable: true, reason: "timeout", detail };
  if (code === "ECONFIG") {
    return { ok: false, retryable: false, reason: "config", detail, disable: true };
  }
  return { ok: false, retryable: true, reason: "network", detail };
}

/** A send stopped by the notifier's timeout or the caller's deadline. */
function cancelled(ownTimeout: boolean, timeoutMs: number): Failure {
  const detail = ownTimeout
    ? `no answer from the SMTP server within ${timeoutMs} ms`
    : "send cancelled (the delivery's deadline passed)";
  return { ok: false, retryable: true, reason: "timeout", detail };
}

/** The mail for a message: both parts, a stable Message-ID, replies to the thread's first mail. */
export function emailFor(message: AlertMessage, thread: ThreadRef, config: EmailNotifierConfig) {
  const messageId = messageIdFor(message.deliveryId);
  const reply =
    thread.rootRef === null ? {} : { inReplyTo: thread.rootRef, references: thread.rootRef };
  return {
    from: config.from,
    to: config.to,
    subject: emailSubject(message),
    text: message.text,
    html: emailHtml(message),
    messageId,
    ...reply,
    headers: { "X-Orgwatch-Delivery": message.deliveryId, "X-Orgwatch-Thread": message.threadId },
  };
}

/** The SMTP transport: a connection per send, every wait bounded by the notifier's timeout. */
function transportFor(config: EmailNotifierConfig, password: string | undefined) {
  const { smtp } = config;
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // Only with a user: a relay that takes mail from its network needs no AUTH at all.
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: password ?? "" } } : {}),
    connectionTimeout: config.timeout,
    greetingTimeout: config.timeout,
    socketTimeout: config.timeout,
    socketCloseTimeout: 1000,
    logger: false,
    debug: false,
  });
}

/** Decides how one alert becomes an e-mail through SMTP and what the server's reply means. */
export function createEmailNotifier(
  config: EmailNotifierConfig,
  deps: { logger?: Logger } = {},
): Notifier {
  const password = config.smtp.password?.reveal();
  const transport = transportFor(config, password);
  const secrets = password === undefined ? [] : [password];
  return {
    name: config.name,
    kind: "email",
    async send(message: AlertMessage, thread: ThreadRef, signal: AbortSignal): Promise<SendResult> {
      const mail = emailFor(message, thread, config);
      const timeout = AbortSignal.timeout(config.timeout);
      try {
        const info = await transport.sendMail({
          ...mail,
          signal: AbortSignal.any([signal, timeout]),
        });
        // Some recipients refused, others took it: the mail is delivered. A retry would send
        // it again to those who have it, so it is logged (a count: addresses are personal data)
        // rather than failed; every recipient refused is an error nodemailer throws.
        if (info.rejected.length > 0) {
          deps.logger?.warn(
            {
              notifier: config.name,
              kind: "email",
              deliveryId: message.deliveryId,
              refused: info.rejected.length,
              accepted: info.accepted.length,
            },
            "email delivered, but some recipients were refused",
          );
        }
        return thread.rootRef === null ? { ok: true, ref: mail.messageId } : { ok: true };
      } catch (err) {
        const result =
          timeout.aborted || signal.aborted
            ? cancelled(timeout.aborted, config.timeout)
            : smtpFailure(err as SmtpError, secrets);
        deps.logger?.warn(
          { notifier: config.name, kind: "email", deliveryId: message.deliveryId, ...result },
          "email delivery failed",
        );
        return result;
      }
    },
  };
}
