import type { CheckResult } from "../domain/result.js";
import { formatDuration } from "../platform/duration.js";

/** The `--json` shape of one org: a contract other tools read. */
export function jsonOrg(result: CheckResult): Record<string, unknown> {
  const d = result.diagnosis;
  return {
    id: result.orgId,
    healthy: result.healthy,
    cause: d?.cause ?? null,
    stage: d?.stage ?? null,
    transient: d?.transient ?? false,
    summary: d?.summary ?? "all checks passed",
    fix: d?.fix ?? [],
    checks: result.stages
      .filter((s) => s.stage !== "local")
      .map((s) => ({
        stage: s.stage,
        ok: s.ok,
        skipped: s.skipped,
        durationMs: s.durationMs,
        httpStatus: s.httpStatus,
        errorCode: s.errorCode,
      })),
  };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function elapsed(result: CheckResult): string {
  return formatDuration(Date.parse(result.finishedAt) - Date.parse(result.startedAt));
}

/** The human report: a table of every org, then the fix steps of each failing one. */
export function humanReport(results: CheckResult[]): string {
  const rows = results.map((r) => [
    r.orgId,
    r.healthy ? "healthy" : r.diagnosis?.transient ? "failing (transient)" : "FAILING",
    r.diagnosis?.cause ?? "-",
    r.diagnosis?.stage ?? "-",
    elapsed(r),
  ]);
  const head = ["ORG", "STATE", "CAUSE", "STAGE", "TIME"];
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const out = [line(head), ...rows.map(line)];
  for (const r of results) {
    for (const w of r.warnings) out.push("", `${r.orgId}: warning ${w.cause}: ${w.summary}`);
    const d = r.diagnosis;
    if (!d) continue;
    out.push("", `${r.orgId}: ${d.cause} at ${d.stage}${d.transient ? " (transient)" : ""}`);
    out.push(`  ${d.summary}`);
    d.fix.forEach((step, i) => out.push(`  ${i + 1}. ${step}`));
  }
  return `${out.join("\n")}\n`;
}
