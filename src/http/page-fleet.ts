import { CAUSE_IDS, type CauseId } from "../domain/causes.js";
import type { OrgHealth } from "../domain/state.js";
import { causeTitle } from "../monitor/cause-info.js";
import type { FleetSummary, OrgPage, OrgQuery } from "../monitor/fleet-query.js";
import { html, listTable, when, type Html } from "./page-html.js";
import { stateChip } from "./page-org.js";

/** Orgs per page of the fleet table. */
export const FLEET_PAGE_SIZE = 50;

const STATES: readonly (OrgHealth | "any")[] = ["unhealthy", "unknown", "healthy", "any"];

/** The fleet page's filters as the query string gives them, checked. */
export interface FleetFilters {
  /** "unhealthy" unless asked otherwise: the table is for the orgs that need someone. */
  state: OrgHealth | "any";
  cause: CauseId | null;
  text: string;
  cursor: string | null;
  /** What was ignored and why, e.g. `cause "nope" is not a cause id`. */
  problems: string[];
}

function one(value: unknown): string {
  const v = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof v === "string" ? v.trim() : "";
}

/** Reads `state`, `cause`, `q` and `cursor` from the query string; a bad value is dropped and said. */
export function filtersOf(query: Record<string, unknown>): FleetFilters {
  const problems: string[] = [];
  const stateText = one(query.state);
  const state = STATES.find((s) => s === stateText) ?? "unhealthy";
  if (stateText !== "" && stateText !== state) problems.push(`state "${stateText}" is not a state`);
  const causeText = one(query.cause);
  const cause = (CAUSE_IDS as readonly string[]).includes(causeText)
    ? (causeText as CauseId)
    : null;
  if (causeText !== "" && cause === null) problems.push(`cause "${causeText}" is not a cause id`);
  const cursor = one(query.cursor);
  return { state, cause, text: one(query.q).slice(0, 100), cursor: cursor || null, problems };
}

/** The list query the filters ask for. */
export function queryOf(f: FleetFilters): OrgQuery {
  return {
    limit: FLEET_PAGE_SIZE,
    ...(f.state === "any" ? {} : { state: f.state }),
    ...(f.cause === null ? {} : { cause: f.cause }),
    ...(f.text === "" ? {} : { text: f.text }),
    ...(f.cursor === null ? {} : { cursor: f.cursor }),
  };
}

/** `/?state=…&cause=…` with the filters given (the cursor dropped unless passed). */
export function fleetHref(
  f: Partial<Pick<FleetFilters, "state" | "cause" | "text" | "cursor">>,
): string {
  const params = new URLSearchParams();
  if (f.state !== undefined && f.state !== "unhealthy") params.set("state", f.state);
  if (f.cause) params.set("cause", f.cause);
  if (f.text) params.set("q", f.text);
  if (f.cursor) params.set("cursor", f.cursor);
  const qs = params.toString();
  return qs === "" ? "./" : `./?${qs}`;
}

function counts(s: FleetSummary): Html {
  const card = (label: string, n: number, state: OrgHealth | "any"): Html =>
    html`<a class="card" href="${fleetHref({ state })}" id="count-${state}"
      ><b>${n}</b>${label}</a
    >`;
  return html`<div class="cards">
    ${card("orgs", s.total, "any")}${card("unhealthy", s.byState.unhealthy, "unhealthy")}
    ${card("not checked yet", s.byState.unknown, "unknown")}${card("healthy", s.byState.healthy, "healthy")}
  </div>`;
}

function causes(s: FleetSummary): Html {
  if (s.byCause.length === 0)
    return html`<p class="muted">No org has a cause: nothing is down.</p>`;
  const rows = s.byCause.map(
    (c) =>
      html`<tr>
        <td data-label="Cause">
          <a class="cause" href="${fleetHref({ state: "any", cause: c.cause })}">${c.cause}</a>
        </td>
        <td data-label="Orgs">${c.count}</td>
        <td data-label="What it means">${causeTitle(c.cause)}</td>
      </tr>`,
  );
  return listTable("causes", ["Cause", "Orgs", "What it means"], rows);
}

function filterForm(f: FleetFilters, s: FleetSummary): Html {
  const option = (value: string, label: string, selected: boolean): Html =>
    html`<option value="${value}" ${selected ? html` selected` : ""}>${label}</option>`;
  const known = new Set(s.byCause.map((c) => c.cause));
  return html`<form class="filters" method="get" action="./" id="filters">
    <label
      >State<select name="state">
        ${STATES.map((st) => option(st, st, st === f.state))}
      </select></label
    >
    <label
      >Cause<select name="cause">
        ${option("", "any cause", f.cause === null)}${CAUSE_IDS.filter((c) => known.has(c) || c === f.cause).map((c) => option(c, c, c === f.cause))}
      </select></label
    >
    <label
      >Org id or name<input type="search" name="q" value="${f.text}" placeholder="acme"
    /></label>
    <button type="submit">Filter</button>
  </form>`;
}

function table(page: OrgPage, nowMs: number): Html {
  if (page.items.length === 0) return html`<p class="muted" id="no-orgs">No org matches.</p>`;
  const rows = page.items.map(
    (o) =>
      html`<tr>
        <td data-label="Org">
          <a href="orgs/${o.id}">${o.name}</a
          >${o.name === o.id ? "" : html` <span class="muted">${o.id}</span>`}
        </td>
        <td data-label="State">${stateChip(o.state)}</td>
        <td data-label="Cause">
          ${o.cause === null ? html`<span class="muted">none</span>` : html`<span class="cause">${o.cause}</span>`}
        </td>
        <td data-label="Since">${when(o.since, nowMs)}</td>
        <td data-label="Last check">${when(o.lastCheckAt, nowMs)}</td>
      </tr>`,
  );
  return listTable("orgs", ["Org", "State", "Cause", "Since", "Last check"], rows);
}

/** The fleet page's body: counts by state and cause, the filter form, one page of the table. */
export function fleetPageBody(
  s: FleetSummary,
  f: FleetFilters,
  page: OrgPage,
  nowMs: number,
): Html {
  const shown = page.items.length;
  const pager = html`<div class="pager">
    ${f.cursor === null ? "" : html`<a href="${fleetHref({ ...f, cursor: null })}">First page</a>`}
    ${page.nextCursor === null ? "" : html`<a id="next-page" href="${fleetHref({ ...f, cursor: page.nextCursor })}">Next page</a>`}
  </div>`;
  return html`<h1>Fleet</h1>
    ${counts(s)}
    <section>
      <h2>Causes</h2>
      ${causes(s)}
    </section>
    <section>
      <h2>
        ${f.state === "any" ? "Orgs" : html`${f.state[0]?.toUpperCase()}${f.state.slice(1)} orgs`}
      </h2>
      ${f.problems.map((p) => html`<p class="notice err" role="alert">Ignored: ${p}.</p>`)}
      ${filterForm(f, s)}
      <p class="muted" id="shown">
        ${shown} shown of ${page.total}
        matching${f.cause === null ? "" : html` · <span class="cause">${f.cause}</span>: ${causeTitle(f.cause)}`}
      </p>
      ${table(page, nowMs)}${pager}
    </section>`;
}
