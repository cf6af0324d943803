import { emptyTally, tallyOrg, type FleetTally } from "./fleet.js";
import {
  addOrg,
  newColumns,
  ORGS_PER_CHUNK,
  renderOrgFamilies,
  type OrgFactsCache,
} from "./org.js";
import type { StreamedSource } from "./registry.js";
import { yieldToLoop } from "./text.js";
import type { OrgMetricsView } from "./types.js";

/** What the per-scrape source reads and where it puts the fleet counts. */
export interface OrgScrapeOptions {
  orgs: () => Iterable<OrgMetricsView>;
  /** Whether per-org series are written; the fleet counts always are. */
  perOrg: boolean;
  facts: ReadonlyMap<string, OrgFactsCache>;
  setTally: (tally: FleetTally) => void;
}

/**
 * The source that walks the orgs once per scrape, in chunks with the event loop let run between
 * them: it counts the fleet gauges and reads each org's values, so both come from the same views.
 */
export function orgScrapeSource(options: OrgScrapeOptions): StreamedSource {
  return {
    async prepare() {
      const tally = emptyTally();
      const columns = newColumns();
      let inChunk = 0;
      for (const org of options.orgs()) {
        tallyOrg(tally, org);
        if (options.perOrg) addOrg(columns, org, options.facts);
        inChunk += 1;
        if (inChunk === ORGS_PER_CHUNK) {
          inChunk = 0;
          await yieldToLoop();
        }
      }
      options.setTally(tally);
      return options.perOrg ? renderOrgFamilies(columns) : none();
    },
  };
}

async function* none(): AsyncGenerator<string> {}
