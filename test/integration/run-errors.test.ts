/** What `orgwatch run` says when it cannot start: one line naming the address or path, exit 2. */
import { createServer, type Server } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

let id: GeneratedIdentity;
let tmp: ReturnType<typeof tempDir>;
let busy: Server;
let busyPort = 0;

function config(name: string, top: Record<string, unknown>): string {
  const file = join(tmp.dir, name);
  writeFileSync(
    file,
    stringify({
      ...top,
      orgs: [
        {
          id: "acme",
          loginUrl: "https://acme.my.salesforce.com",
          clientId: "3MVG9x",
          username: "integration@acme.example",
          privateKey: "${KEY}",
        },
      ],
    }),
  );
  return file;
}

async function run(file: string): Promise<{ code: number; err: string }> {
  let err = "";
  const code = await main(["node", "orgwatch", "run", "--config", file], {
    stdout: () => {},
    stderr: (t) => (err += t),
    env: { KEY: id.privateKeyPem, ORGWATCH_LOG_LEVEL: "silent" },
    waitForStop: () => Promise.resolve("SIGTERM"),
  });
  return { code, err };
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const address = busy.address();
  busyPort = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise((resolve) => busy.close(resolve));
  tmp.cleanup();
});

describe("orgwatch run refuses to start with one clear line", () => {
  it("a port in use", async () => {
    const file = config("port.yaml", {
      server: { listen: `127.0.0.1:${String(busyPort)}` },
      storage: { sqlite: "./port.db" },
    });
    const r = await run(file);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `server.listen 127.0.0.1:${String(busyPort)}: the address is in use; stop the other process or choose another port`,
    );
  });

  it("a history path that cannot be created", async () => {
    writeFileSync(join(tmp.dir, "a-file"), "not a folder");
    const file = config("store.yaml", {
      server: { listen: "127.0.0.1:0" },
      storage: { sqlite: "./a-file/orgwatch.db" },
    });
    const r = await run(file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^storage\.sqlite .*a-file\/orgwatch\.db: cannot open the history \((EEXIST|ENOTDIR)\);/,
    );
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });

  it("a history written by a newer orgwatch", async () => {
    mkdirSync(join(tmp.dir, "newer"), { recursive: true });
    const path = join(tmp.dir, "newer", "orgwatch.db");
    openStore(path).close();
    const db = new Database(path);
    db.prepare(
      "INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')",
    ).run();
    db.close();
    const file = config("newer.yaml", {
      server: { listen: "127.0.0.1:0" },
      storage: { sqlite: "./newer/orgwatch.db" },
    });
    const r = await run(file);
    expect(r.code).toBe(2);
    expect(r.err).toContain("written by a newer orgwatch (schema 99; this one knows up to 5)");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("starts and stops cleanly when nothing is wrong", async () => {
    const file = config("fine.yaml", {
      server: { listen: "127.0.0.1:0" },
      storage: { sqlite: "./fine.db" },
    });
    const r = await run(file);
    expect(r).toEqual({ code: 0, err: "" });
  });
});

describe("--listen and ORGWATCH_LISTEN", () => {
  it("override server.listen, and a malformed one is a one-line usage error", async () => {
    const file = config("listen.yaml", {
      server: { listen: `127.0.0.1:${String(busyPort)}` },
      storage: { sqlite: "./listen.db" },
    });
    let out = "";
    let err = "";
    const io = {
      stdout: (t: string) => (out += t),
      stderr: (t: string) => (err += t),
      waitForStop: () => Promise.resolve("SIGTERM"),
    };
    // The config's port is taken; --listen moves the server elsewhere and it starts.
    const moved = await main(
      ["node", "orgwatch", "run", "--config", file, "--listen", "127.0.0.1:0"],
      {
        ...io,
        env: { KEY: id.privateKeyPem, ORGWATCH_LOG_LEVEL: "silent" },
      },
    );
    expect(moved).toBe(0);
    expect(out).toMatch(/metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
    const byEnv = await main(["node", "orgwatch", "run", "--config", file], {
      ...io,
      env: { KEY: id.privateKeyPem, ORGWATCH_LOG_LEVEL: "silent", ORGWATCH_LISTEN: "127.0.0.1:0" },
    });
    expect(byEnv).toBe(0);
    const bad = await main(["node", "orgwatch", "run", "--config", file, "--listen", "9464"], {
      ...io,
      env: { KEY: id.privateKeyPem },
    });
    expect(bad).toBe(2);
    expect(err.trim()).toBe(
      "--listen 9464: must be host:port, e.g. 0.0.0.0:9464 (all interfaces) or 127.0.0.1:9464",
    );
  });
});
