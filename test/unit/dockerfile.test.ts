/**
 * The Dockerfile says what test/integration/container-runtime.test.ts assumed of the image
 * (`IMAGE`): user, environment, volume, workdir, health check, entrypoint, port, Node version.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { IMAGE } from "../helpers/image.js";

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions: comments dropped, continuation lines joined. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op = "", ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

/** Stages by FROM; each with its instructions. */
function stages(list: Instruction[]): { from: string; name: string | null; body: Instruction[] }[] {
  const out: { from: string; name: string | null; body: Instruction[] }[] = [];
  for (const ins of list) {
    if (ins.op === "FROM") {
      const [from = "", , name] = ins.args.split(/\s+/);
      out.push({ from, name: name ?? null, body: [] });
    } else out.at(-1)?.body.push(ins);
  }
  return out;
}

/** `KEY=value KEY2=value2` pairs (no quoting is used in our Dockerfile). */
function pairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/([A-Za-z_.][\w.-]*)=("[^"]*"|\S+)/g)) {
    out[m[1] ?? ""] = (m[2] ?? "").replace(/^"|"$/g, "");
  }
  return out;
}

const all = instructions(readFileSync("Dockerfile", "utf8"));
const args = pairs(
  all
    .filter((i, n) => i.op === "ARG" && n < all.findIndex((j) => j.op === "FROM"))
    .map((i) => i.args)
    .join(" "),
);
const built = stages(all);
const runtime = built.at(-1) ?? { from: "", name: null, body: [] };
const of = (op: string): Instruction[] => runtime.body.filter((i) => i.op === op);
const last = (op: string): string => of(op).at(-1)?.args ?? "";

describe("Dockerfile runtime stage", () => {
  it("runs on a supported Node LTS, the same one the binding is built on", () => {
    const image = runtime.from.replace("${NODE_IMAGE}", args.NODE_IMAGE ?? "");
    const major = Number(/^node:(\d+)-/.exec(image)?.[1]);
    expect(IMAGE.nodeMajors).toContain(major);
    const deps = built.find((s) => s.name === "deps");
    expect(deps?.from).toBe(runtime.from);
  });

  it("has the user, workdir, environment, volume and port the runtime test used", () => {
    expect(last("USER")).toBe(IMAGE.user);
    expect(last("WORKDIR")).toBe(IMAGE.workdir);
    expect(
      pairs(
        of("ENV")
          .map((i) => i.args)
          .join(" "),
      ),
    ).toEqual(IMAGE.env);
    expect(JSON.parse(last("VOLUME"))).toEqual([IMAGE.volume]);
    expect(last("EXPOSE")).toBe(String(IMAGE.port));
    expect(IMAGE.env.ORGWATCH_LISTEN).toBe(`0.0.0.0:${String(IMAGE.port)}`);
    expect(IMAGE.env.ORGWATCH_DATA_DIR).toBe(IMAGE.volume);
  });

  it("makes the volume the runtime user's and copies what the runtime test laid out", () => {
    const run = of("RUN")
      .map((i) => i.args)
      .join(" ");
    expect(run).toContain(`chown ${IMAGE.user}:${IMAGE.user} ${IMAGE.volume}`);
    expect(run).toContain(`ln -s ${IMAGE.command.to} ${IMAGE.command.link}`);
    const copied = of("COPY").map((i) => {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith("--"));
      const dest = (parts.at(-1) ?? "").replace(/^\.\/?/, "");
      return dest === "" ? (parts.at(-2) ?? "").split("/").at(-1) : dest;
    });
    expect(copied.sort()).toEqual([...IMAGE.files].sort());
  });

  it("has the health check, entrypoint and command the runtime test ran", () => {
    const health = /^(--\S+\s+)*CMD\s+(\[.*\])$/.exec(last("HEALTHCHECK"));
    expect(JSON.parse(health?.[2] ?? "null")).toEqual(IMAGE.healthcheck);
    expect(JSON.parse(last("ENTRYPOINT"))).toEqual(IMAGE.entrypoint);
    expect(JSON.parse(last("CMD"))).toEqual(IMAGE.cmd);
    expect(of("RUN").some((i) => /apt-get install .*\btini\b/.test(i.args))).toBe(true);
  });

  it("carries OCI labels", () => {
    const labels = pairs(
      of("LABEL")
        .map((i) => i.args)
        .join(" "),
    );
    for (const key of ["title", "description", "version", "licenses"]) {
      expect(labels[`org.opencontainers.image.${key}`]).toBeTruthy();
    }
  });
});

describe("Dockerfile build stages", () => {
  it("installs dependencies from the lockfile before any source is copied", () => {
    const deps = built.find((s) => s.name === "deps")?.body ?? [];
    const lockfile = deps.findIndex((i) => i.op === "COPY" && i.args.includes("package-lock.json"));
    const install = deps.findIndex((i) => i.op === "RUN" && i.args.includes("npm ci"));
    expect(lockfile).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(lockfile);
    expect(deps.some((i) => i.op === "COPY" && /\bsrc\b/.test(i.args))).toBe(false);
  });

  it("keeps local builds, dependencies and keys out of the build context", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split("\n");
    for (const entry of ["node_modules", "dist", ".git", "data", "*.db", "*.pem"]) {
      expect(ignored).toContain(entry);
    }
  });
});
