/**
 * The Prometheus text exposition format (0.0.4), for the families orgwatch writes itself instead
 * of through prom-client's per-label-set objects (see `registry.ts` for why).
 */

/** Escapes a label value: backslash, double quote and line feed, as the format requires. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\\" ? "\\\\" : c === '"' ? '\\"' : "\\n"));
}

/** Escapes HELP text: backslash and line feed. */
export function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === "\\" ? "\\\\" : "\\n"));
}

/** A sample value as the format writes it (`NaN`, `+Inf`, `-Inf` for the special ones). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** The HELP and TYPE lines of a family, preceded by a blank line like prom-client's families. */
export function familyHeader(name: string, help: string, type: "gauge" | "counter"): string {
  return `\n# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}

/** Lets the event loop run timers and I/O (a check's sockets) before the next chunk. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
