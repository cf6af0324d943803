import { createHash } from "node:crypto";

const CHECKSUM_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/** Turns a 15-character Salesforce id into its 18-character case-safe form (the real checksum). */
export function to18(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(chunk * 5 + i);
      if (ch >= "A" && ch <= "Z") bits |= 1 << i;
    }
    suffix += CHECKSUM_CHARS.charAt(bits);
  }
  return id15 + suffix;
}

/** A deterministic 18-character id with a key prefix (`00D` org, `005` user) and a serial number. */
export function makeId(prefix: "00D" | "005" | "750", serial: number): string {
  return to18(`${prefix}SM${String(serial).padStart(10, "0")}`);
}

/** The release label of an API version: 65.0 → "Winter '26" (20.0 was Winter '11). */
export function releaseLabel(version: number): string {
  const k = Math.floor(version) - 20;
  const season = ["Winter", "Spring", "Summer"][((k % 3) + 3) % 3] ?? "Winter";
  return `${season} '${String(11 + Math.floor(k / 3)).padStart(2, "0")}`;
}

/** A deterministic propagation window of 2-10 minutes for an org, from its id. */
export function defaultPropagationMs(orgId: string): number {
  const n = createHash("sha256").update(orgId).digest().readUInt32BE(0);
  return 120_000 + (n % 480_001);
}

/** Parses `v65.0` or `65.0` to a number; null when not a version. */
export function parseVersion(text: string): number | null {
  const m = /^v?(\d{1,3})\.(\d)$/.exec(text);
  return m ? Number(`${m[1]}.${m[2]}`) : null;
}

/** Formats a version number the way Salesforce writes it: 65 → "65.0". */
export function formatVersion(version: number): string {
  return version.toFixed(1);
}
