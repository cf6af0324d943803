/**
 * The layering of ../shared/STYLE.md ("what each folder may import") and no import cycles,
 * type-only imports included. Run by `npm run lint` (npm run deps).
 */
const SRC = "^src/";

/** A folder may import only the folders listed (and itself, and Node's built-ins). */
function layer(name, allowed) {
  const others = [name, ...allowed].map((f) => `src/${f}/`).join("|");
  return {
    name: `layer-${name}`,
    comment: `src/${name} may import only ${allowed.length ? allowed.join(", ") : "nothing else in src"}`,
    severity: "error",
    from: { path: `^src/${name}/` },
    to: { path: SRC, pathNot: `^(${others})` },
  };
}

/** A package may be imported only from one folder. */
function only(pkg, folders) {
  return {
    name: `only-${pkg.replace(/[^a-z0-9]/g, "-")}`,
    comment: `${pkg} is used only in ${folders.join(", ")}`,
    severity: "error",
    from: { pathNot: `^(${folders.join("|")})` },
    to: { path: `node_modules/${pkg}/` },
  };
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "no import cycles, type-only ones included",
      severity: "error",
      from: { path: "^(src|jobs)/" },
      to: { circular: true },
    },
    layer("domain", []),
    layer("platform", ["domain"]),
    layer("config", ["domain", "platform"]),
    layer("salesforce", ["domain", "platform"]),
    // Probes read the org's resolved target (config/target.ts) and speak through salesforce/.
    layer("probes", ["domain", "platform", "config", "salesforce"]),
    layer("classify", ["domain"]),
    layer("store", ["domain", "platform"]),
    layer("metrics", ["domain"]),
    layer("simulator", ["domain", "platform"]),
    // Alerting reads config types (notifiers, routes, silences); the wire clients stay in
    // their notifier file.
    layer("alerting", ["domain", "platform", "config"]),
    layer("scheduler", ["domain", "platform"]),
    layer("monitor", [
      "domain",
      "platform",
      "config",
      "salesforce",
      "probes",
      "classify",
      "store",
      "metrics",
      "scheduler",
    ]),
    layer("http", ["monitor", "metrics", "store", "domain", "platform"]),
    {
      name: "jobs-layer",
      comment: "jobs/ call into src/monitor with domain types; no commands, http or simulator",
      severity: "error",
      from: { path: "^jobs/" },
      to: { path: "^src/(commands|http|simulator|cli)" },
    },
    {
      name: "src-not-jobs",
      comment: "only the composition root (src/commands) schedules jobs",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/commands/" },
      to: { path: "^jobs/" },
    },
    only("better-sqlite3", ["src/store/"]),
    only("prom-client", ["src/metrics/", "src/http/", "src/commands/"]),
    only("@slack/web-api", ["src/alerting/notifiers/slack.ts"]),
    only("nodemailer", ["src/alerting/notifiers/email.ts"]),
    only("bullmq", ["src/scheduler/"]),
    only("ioredis", ["src/scheduler/"]),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.build.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
