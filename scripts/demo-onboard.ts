/**
 * `npm run demo -- --onboard`: `orgwatch onboard` leading a scripted admin from nothing to a
 * healthy JWT connection against the simulator, in well under a minute. The admin's moves are
 * made through the simulator's control API as each new cause shows up; the app's propagation
 * window is shortened to 6 s (Salesforce takes 2 to 10 minutes) and checks run every 2 s.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { main } from "../src/cli.js";
import { processIo, type CommandIo } from "../src/commands/io.js";
import { startSimulator, type Simulator } from "../src/simulator/index.js";

const CLIENT_ID = "3MVG9onboardDemo";
const USER = "integration@hooli.example.com";

/** What the scripted admin does when a cause first shows, and how it says so. */
function adminMoves(sim: Simulator): Record<string, [string, () => void]> {
  return {
    client_id_invalid: [
      "creates the External Client App, uploads cert.pem and pastes its Consumer Key",
      () =>
        sim.control.patchApp("hooli", {
          deleted: false,
          createdAt: new Date(sim.control.now()).toISOString(),
        }),
    ],
    user_not_preauthorized: [
      'assigns permission set "Integration" (selected in the app\'s policies) to the user',
      () => sim.control.patchUser("hooli", USER, { permissionSets: ["Integration"] }),
    ],
    api_disabled: [
      'ticks API Enabled in the permission set "Integration"',
      () => sim.control.patchUser("hooli", USER, { apiEnabled: true }),
    ],
  };
}

/** An io that passes everything through and lets the admin react to each new cause. */
function scriptedIo(base: CommandIo, sim: Simulator): CommandIo {
  const moves = adminMoves(sim);
  const done = new Set<string>();
  return {
    ...base,
    stdout: (text) => {
      base.stdout(text);
      const cause = /check \d+: (\w+) at the/.exec(text)?.[1];
      const move = cause === undefined ? undefined : moves[cause];
      if (!cause || !move || done.has(cause)) return;
      done.add(cause);
      // The admin reads the fix, then acts; the next check sees the change.
      setTimeout(() => {
        base.stdout(`\n  >>> The admin ${move[0]}.\n\n`);
        move[1]();
      }, 1000);
    },
  };
}

/** Runs the onboarding demo in `dir`; resolves to onboard's exit code. */
export async function onboardDemo(dir: string): Promise<number> {
  const base = processIo();
  const env = { ...base.env, ORGWATCH_RESOLVE: "*.salesforce.com=127.0.0.1" };
  const say = (text: string): void => void process.stdout.write(`${text}\n`);
  say("Step 1 of the checklist: a key and its certificate (`orgwatch onboard --new-key`):\n");
  const keys = join(dir, "keys");
  await main(["node", "orgwatch", "onboard", "--new-key", keys], { ...base, env });
  const sim = await startSimulator({
    spec: {
      apps: [{ clientId: CLIENT_ID, certificate: readFileSync(join(keys, "cert.pem"), "utf8") }],
      orgs: [
        {
          id: "hooli",
          name: "Hooli",
          myDomain: "hooli",
          app: CLIENT_ID,
          appKind: "external_client_app",
          // Nothing is set up yet: no app, no permission set, no API Enabled.
          appPolicy: { deleted: true, propagation: "6s" },
          users: [{ username: USER, permissionSets: [], apiEnabled: false }],
        },
      ],
    },
  });
  const host = `http://hooli.my.salesforce.com:${sim.port}`;
  const configFile = join(dir, "orgwatch.yaml");
  writeFileSync(
    configFile,
    stringify({
      storage: { sqlite: "./orgwatch.db" },
      orgs: [
        {
          id: "hooli",
          name: "Hooli",
          loginUrl: host,
          audience: host,
          clientId: CLIENT_ID,
          username: USER,
          privateKeyFile: join(keys, "private-key.pem"),
          certificateFile: join(keys, "cert.pem"),
          permissionSet: "Integration",
          createdAt: new Date(Date.now() - 86_400_000).toISOString(),
        },
      ],
    }),
  );
  say(`\nSalesforce simulator on ${sim.url}; config ${configFile}.`);
  say("Now `orgwatch onboard --config ... --org hooli --watch --every 2s` (Ctrl-C stops):\n");
  try {
    return await main(
      ["node", "orgwatch", "onboard", "--config", configFile, "--org", "hooli"].concat([
        "--watch",
        "--every",
        "2s",
        "--timeout",
        "2m",
      ]),
      scriptedIo({ ...base, env }, sim),
    );
  } finally {
    await sim.close();
  }
}
