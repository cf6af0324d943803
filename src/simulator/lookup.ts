import { myDomainHost, type SimOrg, type SimState } from "./state.js";

interface Index {
  orgs: SimOrg[];
  length: number;
  byHost: Map<string, SimOrg[]>;
  byKey: Map<string, SimOrg>;
}

const indexes = new WeakMap<SimState, Index>();

function rebuild(state: SimState): Index {
  const index: Index = {
    orgs: state.orgs,
    length: state.orgs.length,
    byHost: new Map(),
    byKey: new Map(),
  };
  for (const org of state.orgs) {
    const host = myDomainHost(org);
    const list = index.byHost.get(host);
    if (list) list.push(org);
    else index.byHost.set(host, [org]);
    index.byKey.set(org.id, org);
  }
  indexes.set(state, index);
  return index;
}

function current(state: SimState): Index {
  const index = indexes.get(state);
  return index && index.orgs === state.orgs && index.length === state.orgs.length
    ? index
    : rebuild(state);
}

/**
 * The orgs served under a My Domain host. An index makes this O(1) for large specs (a bench
 * simulates 100,000 orgs); every hit is checked against the org's current host, so an org
 * whose My Domain was patched is found again by a scan that rebuilds the index.
 */
export function orgsByHost(state: SimState, host: string): SimOrg[] {
  const hit = current(state).byHost.get(host);
  if (hit?.every((o) => myDomainHost(o) === host)) return hit;
  const fresh = state.orgs.filter((o) => myDomainHost(o) === host);
  if (hit !== undefined || fresh.length > 0) rebuild(state);
  return fresh;
}

/** An org by its SIMFILE id (ids never change), through the same index. */
export function orgByKey(state: SimState, key: string): SimOrg | undefined {
  const hit = current(state).byKey.get(key);
  if (hit?.id === key) return hit;
  return state.orgs.find((o) => o.id === key);
}
