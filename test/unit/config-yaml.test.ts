import { describe, expect, it } from "vitest";
import { parseYamlConfig } from "../../src/config/yaml.js";

describe("parseYamlConfig", () => {
  it("gives the plain tree with YAML 1.2 core scalars", () => {
    expect(parseYamlConfig("c.yaml", "a: yes\nb: 012\nc: 2026-01-01\nd: [x, 'y']\n")).toEqual({
      a: "yes",
      b: 12,
      c: "2026-01-01",
      d: ["x", "y"],
    });
  });

  it("reads an empty or comment-only file as no document, for the schema to report", () => {
    expect(parseYamlConfig("c.yaml", "")).toBeNull();
    expect(parseYamlConfig("c.yaml", "# nothing yet\n\n")).toBeNull();
  });

  it("names file:line:column, the reason and the line's text on one line", () => {
    expect(() => parseYamlConfig("c.yaml", "a: 1\nb: *nope\n")).toThrow(
      'c.yaml:2:5: not valid YAML: unidentified alias "nope" in "b: *nope"',
    );
    expect(() => parseYamlConfig("c.yaml", "a: 1\na: 2\n")).toThrow(
      /^c\.yaml:2:\d+: not valid YAML: duplicated mapping key in "a: 2"$/,
    );
  });
});
