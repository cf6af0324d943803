import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { parseMail, type ParsedMail } from "./mime.js";

/** One mail as the server took it: the envelope, the raw message, and its parsed parts. */
export interface SunkMail extends ParsedMail {
  from: string;
  to: string[];
  raw: string;
  /** The login the session used, if any. */
  user: string | null;
}

/** A stage the sink can refuse or stall. */
export type SmtpStage = "rcpt" | "data";

/** A real SMTP server (smtp-server) on 127.0.0.1 with switches for the failures a relay shows. */
export interface SmtpSink {
  host: string;
  port: number;
  mails: SunkMail[];
  /** Every AUTH attempt, with the password the client sent (to prove it was used). */
  logins: { user: string; password: string; ok: boolean }[];
  /**
   * Refuses the next mail at RCPT TO (every recipient of it) or DATA with this reply code
   * (450: try later, 550: never).
   */
  rejectNext(stage: SmtpStage, code: number): void;
  /** Refuses this one recipient, every time, with this code (the others are accepted). */
  rejectRecipient(address: string, code: number): void;
  /** Never answers the next RCPT TO or DATA (the client's timeout or signal must end it). */
  stallNext(stage: SmtpStage): void;
  /** From now on MAIL FROM needs a login with these credentials; others get 535. */
  requireAuth(user: string, password: string): void;
  /** Closes the listening socket: the next connection is refused. */
  stopListening(): Promise<void>;
  close(): Promise<void>;
}

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

const TEXTS: Record<number, string> = {
  421: "4.3.2 Service not available, closing transmission channel",
  450: "4.2.1 Mailbox busy, try again later",
  451: "4.3.0 Local error in processing",
  550: "5.1.1 Mailbox unavailable",
  554: "5.7.1 Message rejected",
};

/** Starts the sink on a free port (no STARTTLS: the client talks plain SMTP to loopback). */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  const logins: SmtpSink["logins"] = [];
  const rejects = new Map<SmtpStage, number>();
  const stalls = new Set<SmtpStage>();
  const refusedRecipients = new Map<string, number>();
  /** Sessions whose every RCPT is refused, with the code. */
  const refusingSessions = new Map<string, number>();
  let required: { user: string; password: string } | null = null;

  /** Applies a pending reject or stall of a stage; true when the stage was handled. */
  const intercept = (stage: SmtpStage, callback: (err?: Error | null) => void): boolean => {
    const code = rejects.get(stage);
    if (code !== undefined) {
      rejects.delete(stage);
      callback(smtpError(code, TEXTS[code] ?? `${code} refused`));
      return true;
    }
    if (stalls.delete(stage)) return true;
    return false;
  };

  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    closeTimeout: 200,
    logger: false,
    onAuth(auth, _session, callback) {
      const user = auth.username ?? "";
      const password = auth.password ?? "";
      const ok = required === null || (user === required.user && password === required.password);
      logins.push({ user, password, ok });
      if (!ok) {
        callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
        return;
      }
      callback(null, { user });
    },
    onMailFrom(_address, session, callback) {
      if (required !== null && session.user === undefined) {
        callback(smtpError(530, "5.7.0 Authentication required"));
        return;
      }
      callback();
    },
    onRcptTo(address, session, callback) {
      const pending = rejects.get("rcpt");
      if (pending !== undefined) {
        rejects.delete("rcpt");
        refusingSessions.set(session.id, pending);
      }
      const code = refusingSessions.get(session.id) ?? refusedRecipients.get(address.address);
      if (code !== undefined) {
        callback(smtpError(code, TEXTS[code] ?? `${code} refused`));
        return;
      }
      if (!intercept("rcpt", callback)) callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (intercept("data", callback)) return;
        const raw = Buffer.concat(chunks).toString("utf8");
        mails.push({
          ...parseMail(raw),
          raw,
          from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === "string" ? session.user : null,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  let listening = true;
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!listening) {
        resolve();
        return;
      }
      listening = false;
      server.close(() => resolve());
    });
  return {
    host: "127.0.0.1",
    port,
    mails,
    logins,
    rejectNext: (stage, code) => rejects.set(stage, code),
    rejectRecipient: (address, code) => refusedRecipients.set(address, code),
    stallNext: (stage) => stalls.add(stage),
    requireAuth: (user, password) => {
      required = { user, password };
    },
    stopListening: stop,
    close: stop,
  };
}
