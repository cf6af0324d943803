/**
 * The image's runtime stage reproduced on this machine (no container registry is reachable, so
 * the image cannot be built here): a production install laid out like the image, the config
 * mounted read-only, the image's environment and default paths, an unprivileged user, listening
 * on all interfaces. A first run that cannot write its history (EACCES) or is unreachable fails
 * here. test/unit/dockerfile.test.ts checks the Dockerfile promises what this test assumed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { freePort } from "../../scripts/bench-fleet.js";
import { loginUrlOf, RESOLVE, simSpec, type FleetOrg } from "../helpers/fleet.js";
import {
  asImageUser,
  IMAGE,
  layOutImage,
  mountConfig,
  mountSecret,
  type ImageRoot,
} from "../helpers/image.js";
import { waitUntil } from "../helpers/orgwatch-process.js";
import { queryDb } from "../helpers/run-fixture.js";

const ORGS: FleetOrg[] = [{ id: "boxed", scenario: "healthy" }];
const KEY_PATH = "/run/secrets/orgwatch-key.pem";
/** The unprivileged user standing in for the image's `node` user (nobody:nogroup). */
const USER = { uid: 65534, gid: 65534 };

let id: GeneratedIdentity;
let sim: Simulator;
let image: ImageRoot;
let child: ChildProcess;
let exited: Promise<number | string>;
let output = "";
let port = 0;

/** The image's environment (paths moved into the temp root) on its own, not this process's. */
function imageEnv(): Record<string, string> {
  return {
    PATH: `${image.path(dirname(IMAGE.command.link))}:/usr/bin:/bin`,
    ...image.env(),
    ORGWATCH_LISTEN: `0.0.0.0:${String(port)}`,
    ORGWATCH_RESOLVE: RESOLVE,
    ORGWATCH_LOG_LEVEL: "warn",
  };
}

/** The image's entrypoint and command, its paths moved into the temp root, tini left out. */
function entrypoint(cmd: readonly string[]): string[] {
  const [, , node, bin] = IMAGE.entrypoint;
  expect(node).toBe("node");
  return [...asImageUser(image), process.execPath, image.path(bin ?? ""), ...cmd];
}

beforeAll(async () => {
  id = generateIdentity();
  sim = await startSimulator({ spec: simSpec(id, ORGS) });
  image = layOutImage(mkdtempSync(join(tmpdir(), "orgwatch-image-")), USER);
  mountSecret(image, KEY_PATH, id.privateKeyPem);
  // An operator's config: nothing about storage or listen, the key from a secret mount.
  mountConfig(
    image,
    stringify({
      defaults: { interval: "1s", timeout: "3s" },
      orgs: ORGS.map((o) => ({
        id: o.id,
        loginUrl: loginUrlOf(o, sim.port),
        clientId: "3MVG9test",
        username: `integration@${o.id}.example`,
        privateKeyFile: image.path(KEY_PATH),
      })),
    }),
  );
  port = await freePort();
  const [cmd = "", ...args] = entrypoint(IMAGE.cmd);
  child = spawn(cmd, args, { cwd: image.path(IMAGE.workdir), env: imageEnv() });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  exited = new Promise((res) => child.once("exit", (code, signal) => res(code ?? signal ?? -1)));
});

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exited;
  }
  await sim.close();
  chmodSync(image.path("/etc/orgwatch"), 0o755);
  rmSync(image.root, { recursive: true, force: true });
});

describe("the image's runtime stage, run as an unprivileged user", () => {
  it("answers /healthz on all interfaces and records a check in the volume", async () => {
    let ended = false;
    void exited.then(() => (ended = true));
    const health = await waitUntil(
      "/healthz",
      async () => {
        if (ended) throw new Error(`orgwatch exited on first run:\n${output}`);
        return fetch(`http://127.0.0.1:${String(port)}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
      },
      20_000,
    );
    expect(health).toBe(true);
    expect(output).toContain(`metrics at http://0.0.0.0:${String(port)}/metrics`);
    const db = join(image.path(IMAGE.volume), "data", "orgwatch.db");
    const rows = await waitUntil("a recorded check", () =>
      queryDb<{ n: number }>(db, "SELECT COUNT(*) AS n FROM checks WHERE org_id = 'boxed'").find(
        (r) => r.n > 0,
      ),
    );
    expect(rows.n).toBeGreaterThan(0);
    if (process.getuid?.() === 0) expect(statSync(db).uid).toBe(USER.uid);
  });

  it("passes the image's HEALTHCHECK command", () => {
    const [node, ...args] = IMAGE.healthcheck;
    expect(node).toBe("node");
    const r = spawnSync(process.execPath, args, { env: imageEnv(), timeout: 10_000 });
    expect(r.status).toBe(0);
  });

  it("runs an alert's command as written (docker exec): on PATH, ORGWATCH_CONFIG, same history", () => {
    const command = ["orgwatch", "history", "--org", "boxed", "--json"];
    const [cmd = "", ...args] = [...asImageUser(image), ...command];
    const r = spawnSync(cmd, args, {
      cwd: image.path(IMAGE.workdir),
      env: imageEnv(),
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"boxed"');
  });

  it("stops cleanly on SIGTERM (what tini forwards)", async () => {
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/EACCES|Error:|at .*\.js:\d+/);
  });
});
