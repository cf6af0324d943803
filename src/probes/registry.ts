import type { CheckId } from "../domain/stages.js";
import { bulkProbe } from "./bulk.probe.js";
import { identityProbe } from "./identity.probe.js";
import { limitsProbe } from "./limits.probe.js";
import { metadataProbe } from "./metadata.probe.js";
import { restProbe } from "./rest.probe.js";
import { tokenProbe } from "./token.probe.js";
import type { Probe } from "./types.js";

/** Every probe by check id; the runner walks them in CHECK_IDS order. */
export const PROBES = {
  token: tokenProbe,
  identity: identityProbe,
  rest: restProbe,
  limits: limitsProbe,
  bulk: bulkProbe,
  metadata: metadataProbe,
} satisfies Record<CheckId, Probe>;
