/**
 * The bench's baseline: what the wire alone allows. Sign + token POST + the rest and limits GETs
 * of the run loop's checks, with the same client (createHttpSend, SalesforceClient) at the same
 * concurrency, and nothing else: no scheduler, store, metrics or classification.
 */
import { createPrivateKey } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createHttpSend, pinnedLookup } from "../src/platform/http.js";
import { Secret } from "../src/platform/secret.js";
import { SalesforceClient } from "../src/salesforce/client.js";
import { benchOrg, CLIENT_ID } from "./bench-sim.js";

/** The paths the rest and limits probes GET (src/probes/rest.probe.ts, limits.probe.ts). */
const API_VERSION = "65.0";
const REST_PATH = `/services/data/v${API_VERSION}/query?q=${encodeURIComponent("SELECT Id FROM Organization LIMIT 1")}`;
const LIMITS_PATH = `/services/data/v${API_VERSION}/limits`;
const TIMEOUT_MS = 10_000;

/** One baseline run. */
export interface BaselineRun {
  passes: number;
  failed: number;
  perSecond: number;
}

/** Runs `passes` passes over orgs bench-0 … bench-(orgs-1), `concurrency` at a time. */
export async function runBaseline(opts: {
  simPort: number;
  privateKeyPem: string;
  orgs: number;
  passes: number;
  concurrency: number;
}): Promise<BaselineRun> {
  const key = new Secret(createPrivateKey(opts.privateKeyPem));
  const lookup = pinnedLookup("*.salesforce.com=127.0.0.1");
  const client = new SalesforceClient(createHttpSend(lookup ? { lookup } : {}));
  let failed = 0;
  const pass = async (i: number): Promise<void> => {
    const { id, username } = benchOrg(i % opts.orgs);
    const token = await client.exchangeToken(
      `http://${id}.my.salesforce.com:${String(opts.simPort)}/services/oauth2/token`,
      { clientId: CLIENT_ID, username, audience: "https://login.salesforce.com" },
      key,
      Date.now(),
      TIMEOUT_MS,
    );
    if (!token.ok) {
      failed += 1;
      return;
    }
    const rest = await client.get(token.value, REST_PATH, TIMEOUT_MS);
    const limits = await client.get(token.value, LIMITS_PATH, TIMEOUT_MS);
    if (!rest.ok || !limits.ok) failed += 1;
  };
  const pool = async (count: number, offset: number): Promise<number> => {
    let next = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next;
        next += 1;
        await pass(offset + i);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    return (performance.now() - started) / 1000;
  };
  // Warm-up (sockets, JIT) outside the timed part.
  await pool(opts.concurrency * 2, 0);
  failed = 0;
  const seconds = await pool(opts.passes, opts.concurrency * 2);
  return { passes: opts.passes, failed, perSecond: opts.passes / seconds };
}
