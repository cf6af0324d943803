import type { CauseId } from "../domain/causes.js";
import type { OrgHealth } from "../domain/state.js";
import { STAGE_IDS } from "../domain/stages.js";
import { causeTitle } from "../monitor/cause-info.js";
import type { CheckView, OrgDetail, StageView } from "../monitor/org-detail.js";
import type { IncidentView } from "../monitor/views.js";
import { html, linkify, listTable, when, type Html } from "./page-html.js";

/** How the page reaches the API and itself: the full page, or a share link's view of one org. */
export interface OrgPageMode {
  /** The share token when viewed through a share link (sent with "check now"). */
  shareToken: string | null;
}

const OWNER_WORDS = {
  vendor: "the vendor's team (the integration, its app, key and settings)",
  customer: "this org's Salesforce admin",
  salesforce: "nobody: Salesforce clears it by itself (wait and re-check)",
} as const;

/** The state as a coloured chip. */
export function stateChip(state: OrgHealth): Html {
  return html`<span class="state s-${state}">${state}</span>`;
}

/** A cause id with its one-line catalogue title. */
export function causeWords(cause: CauseId | null): Html {
  if (cause === null) return html`<span class="muted">none</span>`;
  return html`<span class="cause">${cause}</span>
    <span class="muted">— ${causeTitle(cause)}</span>`;
}

function stageChip(s: StageView): Html {
  const kind = s.skipped ? "skip" : s.ok ? "ok" : "fail";
  const detail = s.skipped
    ? "skipped"
    : s.ok
      ? "ok"
      : [s.httpStatus, s.errorCode].filter((v) => v !== null).join(" ") || "failed";
  return html`<span class="st st-${kind}" title="${s.stage}: ${detail}, ${s.durationMs} ms"
    >${s.stage} ${s.ok || s.skipped ? "" : detail}</span
  >`;
}

/** The network stages in the order they run (the store hands them back in any order). */
function inRunOrder(stages: StageView[]): StageView[] {
  return stages
    .filter((s) => s.stage !== "local")
    .sort((a, b) => STAGE_IDS.indexOf(a.stage) - STAGE_IDS.indexOf(b.stage));
}

function timeline(checks: CheckView[], nowMs: number): Html {
  if (checks.length === 0) return html`<p class="muted">No check recorded yet.</p>`;
  const rows = checks.map(
    (c) =>
      html`<tr>
        <td data-label="When" class="nowrap">${when(c.startedAt, nowMs)}</td>
        <td data-label="Result" class="nowrap">
          ${c.healthy ? stateChip("healthy") : html`<span class="cause">${c.cause ?? "failed"}</span>`}
        </td>
        <td data-label="Stages">
          <div class="stages">${inRunOrder(c.stages).map(stageChip)}</div>
        </td>
      </tr>`,
  );
  return listTable("timeline", ["When", "Result", "Stages"], rows);
}

function incidentList(incidents: IncidentView[], nowMs: number): Html {
  if (incidents.length === 0) return html`<p class="muted">No incident recorded.</p>`;
  const rows = incidents.map(
    (i) =>
      html`<tr>
        <td data-label="Opened" class="nowrap">${when(i.openedAt, nowMs)}</td>
        <td data-label="Closed" class="nowrap">
          ${i.closedAt === null ? html`<b>open</b>` : when(i.closedAt, nowMs)}
        </td>
        <td data-label="Causes">
          ${i.causes.map((c, n) => html`${n > 0 ? " → " : ""}<span class="cause">${c.cause}</span>`)}
        </td>
      </tr>`,
  );
  return listTable("incidents", ["Opened", "Closed", "Causes"], rows);
}

/** The fix section: the open incident's diagnosis, or what the last failing pass said. */
function fixSection(d: OrgDetail): Html {
  const fix = d.fix;
  if (fix) {
    // The re-check command names the monitor's config path: the button above replaces it.
    const steps = fix.steps.filter((s) => !s.text.startsWith("Re-check: "));
    return html`<h2>What to fix</h2>
      ${fix.summary === null ? "" : html`<p id="summary">${linkify(fix.summary)}</p>`}
      <p class="muted">Who fixes it: ${OWNER_WORDS[fix.owner]}.</p>
      <ol class="fix" id="fix-steps">
        ${steps.map((s) => html`<li>${linkify(s.text)}</li>`)}
      </ol>`;
  }
  const last = d.recentChecks[0];
  if (last && !last.healthy) {
    return html`<h2>Last check failed</h2>
      <p id="summary">${linkify(last.summary ?? "")}</p>
      <p class="muted">Fix steps appear here once the failure repeats (an incident opens).</p>`;
  }
  return html`<h2>What to fix</h2>
    <p class="muted" id="summary">Nothing: the last check passed.</p>`;
}

/** The org page's body: status, "check now", what to fix, stage timeline, incidents. */
export function orgPageBody(d: OrgDetail, mode: OrgPageMode, nowMs: number): Html {
  const s = d;
  const lastStored = d.recentChecks[0]?.startedAt ?? "";
  // Relative to the page's <base href>, so it works behind a proxy that adds a path prefix.
  const checkUrl = `api/v1/orgs/${encodeURIComponent(s.id)}/check`;
  return html`<h1>${s.name} <span class="muted">${s.name === s.id ? "" : s.id}</span></h1>
    <section>
      <button
        id="check-now"
        type="button"
        data-url="${checkUrl}"
        data-share="${mode.shareToken ?? ""}"
      >
        Check now
      </button>
      <p id="check-result" role="status" hidden></p>
      <p class="muted">
        Each check logs in to Salesforce once, from the integration user's hourly login budget.
      </p>
    </section>
    <div
      id="org-body"
      data-last-check="${s.lastCheckAt ?? ""}"
      data-last-stored="${lastStored}"
      data-state="${s.state}"
      data-cause="${s.cause ?? ""}"
    >
      <section>
        <p id="org-state">${stateChip(s.state)} ${causeWords(s.cause)}</p>
        <dl class="facts">
          <dt>Since</dt>
          <dd>${when(s.since, nowMs)}</dd>
          <dt>Last check</dt>
          <dd>${when(s.lastCheckAt, nowMs)}</dd>
          <dt>Last healthy</dt>
          <dd>${when(s.lastHealthyAt, nowMs)}</dd>
          <dt>Login last worked</dt>
          <dd>${when(s.lastTokenSuccessAt, nowMs)}</dd>
          <dt>Next check</dt>
          <dd>
            ${when(s.nextCheckAt, nowMs)}${s.backoffLevel > 0 ? html` <span class="muted">(backing off, level ${s.backoffLevel})</span>` : ""}
          </dd>
          ${
            s.tags.length > 0
              ? html`<dt>Tags</dt>
                  <dd>${s.tags.join(", ")}</dd>`
              : ""
          }
        </dl>
      </section>
      <section>${fixSection(d)}</section>
      <section>
        <h2>Recent checks</h2>
        ${timeline(d.recentChecks, nowMs)}
      </section>
      <section>
        <h2>Incidents</h2>
        ${incidentList(d.incidents, nowMs)}
      </section>
    </div>`;
}
