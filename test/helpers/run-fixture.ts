import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { orgwatchYaml, simSpec, type FleetOrg } from "./fleet.js";
import { tempDir } from "./tmp.js";

/** A simulator with a fleet and an `orgwatch run` config for it, in a temp folder. */
export interface RunFixture {
  id: GeneratedIdentity;
  sim: Simulator;
  dir: string;
  /** The config file (history in `orgwatch.db` beside it). */
  config: string;
  dbFile: string;
  close(): Promise<void>;
}

/** Starts the simulator for `orgs` and writes the config (`extra` merged at the top level). */
export async function runFixture(
  orgs: FleetOrg[],
  extra: Record<string, unknown> = {},
): Promise<RunFixture> {
  const id = generateIdentity();
  const tmp = tempDir();
  const sim = await startSimulator({ spec: simSpec(id, orgs) });
  const config = join(tmp.dir, "orgwatch.yaml");
  writeFileSync(
    config,
    orgwatchYaml(orgs, sim.port, {
      server: { listen: "127.0.0.1:0" },
      storage: { sqlite: "./orgwatch.db" },
      ...extra,
    }),
  );
  return {
    id,
    sim,
    dir: tmp.dir,
    config,
    dbFile: join(tmp.dir, "orgwatch.db"),
    close: async () => {
      await sim.close();
      tmp.cleanup();
    },
  };
}

/** Rows of a read-only query on a history file another process writes ([] before it exists). */
export function queryDb<T>(dbFile: string, sql: string, ...args: unknown[]): T[] {
  let db: Database.Database;
  try {
    db = new Database(dbFile, { readonly: true, fileMustExist: true });
  } catch {
    return [];
  }
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}
