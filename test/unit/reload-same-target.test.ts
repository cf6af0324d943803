/** What a reload counts as a changed org: any setting, or the key by its public half. */
import { beforeAll, describe, expect, it } from "vitest";
import type { OrgTarget } from "../../src/config/target.js";
import { sameTarget } from "../../src/monitor/reload.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { targetsFor, type FleetOrg } from "../helpers/fleet.js";

let id: GeneratedIdentity;
let other: GeneratedIdentity;
const ORG: FleetOrg = { id: "acme", scenario: "healthy", config: { tags: ["eu", "gold"] } };

beforeAll(() => {
  id = generateIdentity();
  other = generateIdentity();
});

function load(org: FleetOrg, identity: GeneratedIdentity = id): OrgTarget {
  const [target] = targetsFor(identity, [org], 1);
  if (!target) throw new Error("no target");
  return target;
}

describe("sameTarget", () => {
  it("the same entry loaded again is the same org, though its key is a new object", () => {
    const a = load(ORG);
    const b = load(ORG);
    expect(a.key).not.toBe(b.key);
    expect(sameTarget(a, b)).toBe(true);
  });

  it.each([
    ["the interval", { interval: "10m" }],
    ["a tag", { tags: ["eu"] }],
    ["the tag order", { tags: ["gold", "eu"] }],
    ["the username", { username: "other@acme.example" }],
    ["the checks", { checks: ["token", "rest"] }],
    ["a field set where it was unset", { permissionSet: "Integration" }],
  ])("a change of %s is a change", (_what, change) => {
    const changed = load({ ...ORG, config: { ...ORG.config, ...change } });
    expect(sameTarget(load(ORG), changed)).toBe(false);
    expect(sameTarget(changed, load(ORG))).toBe(false);
  });

  it("another key (same size, same file name) is a change", () => {
    expect(sameTarget(load(ORG), load(ORG, other))).toBe(false);
  });

  it("an unset field and one that is undefined are the same", () => {
    const a = load(ORG);
    const b = { ...load(ORG), createdAt: undefined } as unknown as OrgTarget;
    const c = { ...a } as Partial<OrgTarget>;
    delete c.createdAt;
    expect(a.createdAt).toBeNull();
    expect(sameTarget(c as OrgTarget, b)).toBe(true);
  });
});
