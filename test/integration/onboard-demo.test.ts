import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** `npm run demo -- --onboard` as the README promises it: nothing to healthy, step by step. */
describe("npm run demo -- --onboard", () => {
  it("takes the scripted org from an unknown app to healthy and exits 0", async () => {
    if (!existsSync("dist/scripts/demo.js"))
      throw new Error("dist/ is missing: run `npm run build`");
    const child = spawn(process.execPath, ["dist/scripts/demo.js", "--onboard"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | string>((res) =>
      child.once("exit", (c, signal) => res(c ?? signal ?? -1)),
    );
    expect(out).not.toContain("PRIVATE KEY-----");
    expect(code).toBe(0);
    expect(out).toMatch(/Wrote .*private-key\.pem: RSA 2048-bit private key, mode 0600/);
    expect(out).toContain(
      "Path: client_id_invalid → app_propagating → user_not_preauthorized → api_disabled → healthy",
    );
    expect(out).toMatch(
      /check \d+: api_disabled at the rest stage\.\n.*\[x\] 8 preauthorize {2}\[>\] 9 api/,
    );
  }, 60_000);
});
