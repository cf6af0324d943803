/**
 * `npm run demo`: starts the bundled Salesforce simulator with a handful of orgs in typical broken
 * states, runs one real `orgwatch check` pass against them (classified table and fix steps), then
 * runs the monitor (`orgwatch run`) until Ctrl-C, with alerting to a local Slack-compatible server
 * and a local SMTP server, and prints every message that arrives there. `--once` stops after the
 * check pass; `--onboard` shows `orgwatch onboard` leading a scripted admin to a healthy org instead.
 * Keys are generated for this run into a temporary folder; nothing secret is committed.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { main } from "../src/cli.js";
import { processIo } from "../src/commands/io.js";
import { generateIdentity } from "../src/platform/keygen.js";
import { startSimulator } from "../src/simulator/index.js";
import { onboardDemo } from "./demo-onboard.js";
import { startSlackServer, type SlackServer } from "./sinks/slack-server.js";
import { startSmtpSink, type SmtpSink } from "./sinks/smtp-sink.js";

interface DemoOrg {
  id: string;
  name: string;
  myDomain: string;
  sandbox?: boolean;
  scenario: string;
  /** Simulator fields beside the scenario (e.g. the app kind). */
  sim?: Record<string, unknown>;
  key?: string;
  extra?: Record<string, unknown>;
}

const CLIENT_ID = "3MVG9demoConsumerKey";

const ORGS: DemoOrg[] = [
  { id: "acme-prod", name: "Acme production", myDomain: "acme", scenario: "healthy" },
  {
    id: "globex-prod",
    name: "Globex (user not pre-authorized)",
    myDomain: "globex",
    scenario: "user_not_preauthorized",
  },
  {
    id: "initech-uat",
    name: "Initech UAT sandbox (audience for production)",
    myDomain: "initech--uat",
    sandbox: true,
    scenario: "healthy",
    extra: { audience: "https://login.salesforce.com" },
  },
  {
    id: "soylent-prod",
    name: "Soylent (External Client App through login.salesforce.com, Spring '26)",
    myDomain: "soylent",
    scenario: "healthy",
    sim: { appKind: "external_client_app" },
    extra: { loginUrl: "https://login.salesforce.com" },
  },
  {
    id: "umbrella-prod",
    name: "Umbrella (key does not match the uploaded certificate)",
    myDomain: "umbrella",
    scenario: "healthy",
    key: "other.key",
    extra: { certificateFile: "./app.crt" },
  },
  {
    id: "hooli-prod",
    name: "Hooli (app created a minute ago)",
    myDomain: "hooli",
    scenario: "app_propagating",
  },
  {
    id: "piedpiper-dev",
    name: "Pied Piper dev sandbox (refreshed: user renamed)",
    myDomain: "piedpiper--dev",
    sandbox: true,
    scenario: "user_not_found",
  },
  {
    id: "stark-prod",
    name: "Stark (API Enabled missing)",
    myDomain: "stark",
    scenario: "api_disabled",
  },
  {
    id: "wayne-prod",
    name: "Wayne (JWT-format access tokens)",
    myDomain: "wayne",
    scenario: "jwt_token_format_unsupported",
  },
  {
    id: "oscorp-prod",
    name: "Oscorp (1024-bit key)",
    myDomain: "oscorp",
    scenario: "healthy",
    key: "small.key",
  },
];

function loginUrl(org: DemoOrg, port: number): string {
  const host = org.sandbox
    ? `${org.myDomain}.sandbox.my.salesforce.com`
    : `${org.myDomain}.my.salesforce.com`;
  return `http://${host}:${port}`;
}

const DEMO_TOKEN = "xoxb-orgwatch-demo-token";
const CHANNEL = "C0ONCALL";

/** Prints every message that reaches the local Slack and SMTP servers, as the reader would see it. */
function watchSinks(slack: SlackServer, smtp: SmtpSink): () => void {
  let slackSeen = 0;
  let mailSeen = 0;
  const timer = setInterval(() => {
    const messages = slack.all();
    for (const m of messages.slice(slackSeen)) {
      const where = m.thread_ts === undefined ? "new thread" : `reply in thread ${m.thread_ts}`;
      // Slack's text is mrkdwn, where <, > and & arrive escaped; show it as Slack would.
      const text = m.text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
      process.stdout.write(`\n--- Slack #oncall (${where}) ---\n${text}\n`);
    }
    slackSeen = messages.length;
    for (const mail of smtp.mails.slice(mailSeen)) {
      process.stdout.write(
        `\n--- E-mail to ${mail.to.join(", ")}: ${mail.subject} ---\n${mail.text ?? ""}\n`,
      );
    }
    mailSeen = smtp.mails.length;
  }, 500);
  return () => {
    clearInterval(timer);
  };
}

async function demo(): Promise<number> {
  const once = process.argv.includes("--once");
  const dir = mkdtempSync(join(tmpdir(), "orgwatch-demo-"));
  if (process.argv.includes("--onboard")) return onboardDemo(dir);
  const app = generateIdentity({ commonName: "orgwatch-demo" });
  const other = generateIdentity({ commonName: "someone-else" });
  writeFileSync(join(dir, "app.key"), app.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, "app.crt"), app.certificatePem);
  writeFileSync(join(dir, "other.key"), other.privateKeyPem, { mode: 0o600 });
  const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
  writeFileSync(join(dir, "small.key"), small.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
  });

  const sim = await startSimulator({
    spec: {
      apps: [{ clientId: CLIENT_ID, certificate: app.certificatePem }],
      orgs: ORGS.map((o) => ({
        id: o.id,
        name: o.name,
        myDomain: o.myDomain,
        sandbox: o.sandbox ?? false,
        app: CLIENT_ID,
        users: [
          {
            username: `integration@${o.id}.example.com${o.sandbox && o.scenario !== "user_not_found" ? ".uat" : ""}`,
          },
        ],
        scenario: o.scenario as "healthy",
        ...o.sim,
      })),
    },
  });
  const slack = await startSlackServer({
    tokens: { [DEMO_TOKEN]: { scopes: ["chat:write", "channels:history"] } },
    channels: [{ id: CHANNEL }],
  });
  const smtp = await startSmtpSink();
  const configFile = join(dir, "orgwatch.yaml");
  writeFileSync(
    configFile,
    stringify({
      server: { listen: "127.0.0.1:0" },
      storage: { sqlite: "./orgwatch.db" },
      // One failing pass opens an incident here (the default is 2), so alerts show within a minute.
      defaults: { interval: "30s", timeout: "5s", failureThreshold: 1 },
      alerting: { groupWait: "5s" },
      notifiers: [
        {
          name: "oncall",
          kind: "slack",
          token: DEMO_TOKEN,
          channel: CHANNEL,
          apiUrl: slack.apiUrl,
        },
        {
          name: "admins",
          kind: "email",
          smtp: { host: smtp.host, port: smtp.port },
          from: "orgwatch@example.com",
          to: ["salesforce-admins@example.com"],
        },
      ],
      // Causes the customer's admin fixes go to the admins by mail too; everything to on-call.
      routes: [
        { match: { owners: ["customer"] }, notify: ["admins"], continue: true },
        { match: {}, notify: ["oncall"] },
      ],
      orgs: ORGS.map((o) => ({
        id: o.id,
        name: o.name,
        loginUrl: loginUrl(o, sim.port),
        clientId: CLIENT_ID,
        username: `integration@${o.id}.example.com${o.sandbox && o.scenario !== "user_not_found" ? ".uat" : ""}`,
        privateKeyFile: `./${o.key ?? "app.key"}`,
        permissionSet: "Integration",
        ...o.extra,
        ...(o.extra?.["loginUrl"] === undefined
          ? {}
          : { loginUrl: `http://login.salesforce.com:${sim.port}` }),
      })),
    }),
  );
  const base = processIo();
  const io = { ...base, env: { ...base.env, ORGWATCH_RESOLVE: "*.salesforce.com=127.0.0.1" } };
  const say = (text: string): void => void process.stdout.write(`${text}\n`);
  say(`Salesforce simulator on ${sim.url} (every *.my.salesforce.com name is pinned to it).`);
  say(`Config: ${configFile}\n`);
  say("One check pass (`orgwatch check`):\n");
  await main(["node", "orgwatch", "check", "--config", configFile], io);
  const closeAll = async (): Promise<void> => {
    await Promise.all([sim.close(), slack.close(), smtp.close()]);
  };
  if (once) {
    await closeAll();
    return 0;
  }
  say("\nNow the monitor (`orgwatch run`), checking every 30 s. Look at:");
  say(`  history:  npx orgwatch history --config ${configFile} --org globex-prod`);
  say("  metrics:  the /metrics URL printed below");
  say("  alerts:   printed below as they reach the local Slack and SMTP servers (about 5 s after");
  say("            the first failing checks: the group wait that lets one message list many orgs)");
  say("Stop with Ctrl-C.\n");
  const stopWatching = watchSinks(slack, smtp);
  // The monitor's own log is JSON for machines; at warn it stays out of the way of the alerts.
  const runIo = {
    ...io,
    env: { ...io.env, ORGWATCH_LOG_LEVEL: base.env.ORGWATCH_LOG_LEVEL ?? "warn" },
  };
  const code = await main(["node", "orgwatch", "run", "--config", configFile], runIo);
  stopWatching();
  await closeAll();
  return code;
}

process.exitCode = await demo();
