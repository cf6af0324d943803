import type { z } from "zod";
import { issueMessages, type ConfigProblem } from "./problems.js";
import {
  notifierSchema,
  routeSchema,
  silenceSchema,
  type AlertingConfig,
  type AlertingPolicy,
  type NotifierConfig,
  type RouteConfig,
  type SilenceConfig,
} from "./alerting.js";
import { formatPath } from "./paths.js";

/** Validates entries one by one: a broken one is reported and skipped, the others load. */
function each<T>(
  list: readonly unknown[],
  key: string,
  schema: z.ZodType<T>,
  bad: ReadonlySet<string>,
  problems: ConfigProblem[],
): { value: T; index: number }[] {
  const out: { value: T; index: number }[] = [];
  list.forEach((raw, index) => {
    const result = schema.safeParse(raw);
    if (!result.success) {
      for (const p of issueMessages(result.error, [key, index]))
        problems.push({ ...p, effect: "skipped" });
      return;
    }
    if (!bad.has(`${key}[${String(index)}]`)) out.push({ value: result.data, index });
  });
  return out;
}

/**
 * The alerting part of the config: notifiers (names unique), routes (naming known notifiers)
 * and silences. A bad entry is skipped with a problem naming its YAML path and the fix.
 */
export function loadAlerting(
  raw: { notifiers: unknown[]; routes: unknown[]; silences: unknown[] },
  policy: AlertingPolicy,
  bad: ReadonlySet<string>,
  problems: ConfigProblem[],
): AlertingConfig {
  const notifiers: NotifierConfig[] = [];
  const names = new Map<string, number>();
  for (const { value, index } of each(raw.notifiers, "notifiers", notifierSchema, bad, problems)) {
    const earlier = names.get(value.name);
    if (earlier !== undefined) {
      problems.push({
        path: formatPath(["notifiers", index, "name"]),
        message: `"${value.name}" is already used by notifiers[${String(earlier)}]; names must be unique`,
        effect: "skipped",
      });
      continue;
    }
    names.set(value.name, index);
    notifiers.push(value);
  }
  const routes: RouteConfig[] = [];
  for (const { value, index } of each(raw.routes, "routes", routeSchema, bad, problems)) {
    const unknown = value.notify.filter((n) => !names.has(n));
    if (unknown.length > 0) {
      problems.push({
        path: formatPath(["routes", index, "notify"]),
        message: `no notifier named ${unknown.join(", ")}; known: ${[...names.keys()].join(", ") || "none"}`,
        effect: "skipped",
      });
      continue;
    }
    routes.push(value);
  }
  const silences: SilenceConfig[] = each(
    raw.silences,
    "silences",
    silenceSchema,
    bad,
    problems,
  ).map((s) => s.value);
  return { notifiers, routes, silences, policy };
}
