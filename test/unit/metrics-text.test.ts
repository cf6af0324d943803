import { describe, expect, it } from "vitest";
import { escapeHelp, escapeLabelValue, formatValue } from "../../src/metrics/text.js";
import { packageVersion } from "../../src/platform/version.js";

describe("exposition text", () => {
  it("escapes label values and help as the format says", () => {
    expect(escapeLabelValue("org-1_a")).toBe("org-1_a");
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeHelp('say "hi"\\\n')).toBe('say "hi"\\\\\\n');
  });

  it("writes special values the way Prometheus parses them", () => {
    expect(formatValue(1.5)).toBe("1.5");
    expect(formatValue(1772445600)).toBe("1772445600");
    expect(formatValue(Number.NaN)).toBe("NaN");
    expect(formatValue(Infinity)).toBe("+Inf");
    expect(formatValue(-Infinity)).toBe("-Inf");
  });
});

describe("build info", () => {
  it("reads the version from orgwatch's package.json", () => {
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(packageVersion("/")).toBe("unknown");
  });
});
