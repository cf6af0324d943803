/**
 * compose.yaml, checked without a container engine: orgwatch as the image test assumed it,
 * Prometheus's config valid for promtool and scraping orgwatch, Grafana provisioned with the
 * datasource and both generated dashboards from folders that exist.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildDashboards } from "../../scripts/grafana.js";
import { IMAGE } from "../helpers/image.js";
import { ensureBinaries, run } from "../helpers/system.js";

interface Service {
  build?: string;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  secrets?: string[];
}

const compose = parse(readFileSync("compose.yaml", "utf8")) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
};

/** The service's mounts as { source, target, readOnly }. */
function mounts(name: string): { source: string; target: string; readOnly: boolean }[] {
  return (compose.services[name]?.volumes ?? []).map((v) => {
    const [source = "", target = "", mode] = v.split(":");
    return { source, target, readOnly: mode === "ro" };
  });
}

/** The repository folder or file mounted at (or above) a container path. */
function hostPath(service: string, containerPath: string): string {
  const mount = mounts(service)
    .filter((m) => m.source.startsWith("./") && containerPath.startsWith(m.target))
    .sort((a, b) => b.target.length - a.target.length)[0];
  if (!mount) throw new Error(`${service}: nothing mounted at ${containerPath}`);
  return join(mount.source, posix.relative(mount.target, containerPath));
}

beforeAll(() => {
  ensureBinaries(["promtool"]);
});

describe("compose.yaml", () => {
  it("runs orgwatch as the image test assumed: config read-only, the data volume, its port", () => {
    const service = compose.services.orgwatch;
    expect(service?.build).toBe(".");
    const config = mounts("orgwatch").find((m) => m.target === IMAGE.env.ORGWATCH_CONFIG);
    expect(config?.readOnly).toBe(true);
    const data = mounts("orgwatch").find((m) => m.target === IMAGE.volume);
    expect(Object.keys(compose.volumes)).toContain(data?.source);
    expect(service?.ports).toContainEqual(`127.0.0.1:${String(IMAGE.port)}:${String(IMAGE.port)}`);
    for (const secret of service?.secrets ?? []) expect(compose.secrets[secret]).toBeDefined();
  });

  it("mounts only repository folders that exist (besides the operator's config and key)", () => {
    const operator = new Set([
      "./orgwatch.yaml",
      ...Object.values(compose.secrets).map((s) => s.file),
    ]);
    for (const name of Object.keys(compose.services)) {
      for (const m of mounts(name).filter((m) => m.source.startsWith("./"))) {
        if (!operator.has(m.source)) expect(existsSync(m.source), m.source).toBe(true);
      }
    }
  });

  it("gives Prometheus a config promtool accepts, with the rules, scraping orgwatch", () => {
    const flag = compose.services.prometheus?.command?.find((c) => c.startsWith("--config.file="));
    const file = hostPath("prometheus", flag?.split("=")[1] ?? "");
    const check = run("promtool", ["check", "config", file]);
    expect(check.output).toContain("SUCCESS: 1 rule files found");
    expect(check.status).toBe(0);
    const prom = parse(readFileSync(file, "utf8")) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = prom.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    expect(targets).toContain(`orgwatch:${String(IMAGE.port)}`);
  });

  it("provisions Grafana with the Prometheus datasource and both dashboards", () => {
    const dir = hostPath("grafana", "/etc/grafana/provisioning");
    const ds = parse(readFileSync(join(dir, "datasources", "prometheus.yml"), "utf8")) as {
      datasources: { type: string; url: string }[];
    };
    expect(ds.datasources[0]).toMatchObject({ type: "prometheus", url: "http://prometheus:9090" });
    const providers = (
      parse(readFileSync(join(dir, "dashboards", "orgwatch.yml"), "utf8")) as {
        providers: { options: { path: string } }[];
      }
    ).providers;
    const dashboards = hostPath("grafana", providers[0]?.options.path ?? "");
    expect(readdirSync(dashboards).sort()).toEqual(Object.keys(buildDashboards()).sort());
  });
});
