import { formatPath } from "./paths.js";

/** One `${VAR}` that the environment does not define. */
export interface MissingVariable {
  path: (string | number)[];
  name: string;
}

/**
 * Replaces `${VAR}` in every string of a parsed YAML tree. Expansion runs after parsing, so a
 * variable's value can never change the document's structure.
 */
export function expandEnv(
  node: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: (string | number)[] = [],
  missing: MissingVariable[] = [],
): { value: unknown; missing: MissingVariable[] } {
  if (typeof node === "string") {
    const value = node.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_all, name: string) => {
      const found = env[name];
      if (found === undefined) {
        missing.push({ path, name });
        return "";
      }
      return found;
    });
    return { value, missing };
  }
  if (Array.isArray(node)) {
    return {
      value: node.map((item, i) => expandEnv(item, env, [...path, i], missing).value),
      missing,
    };
  }
  if (node !== null && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(node)) {
      out[key] = expandEnv(item, env, [...path, key], missing).value;
    }
    return { value: out, missing };
  }
  return { value: node, missing };
}

/** The message for a missing variable, naming it and the field that uses it. */
export function missingMessage(m: MissingVariable): string {
  return `${formatPath(m.path)}: environment variable ${m.name} is not set; export ${m.name}=... before starting orgwatch`;
}
