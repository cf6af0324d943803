export * from "./causes.js";
export * from "./stages.js";
export * from "./result.js";
export * from "./history.js";
export * from "./state.js";
export * from "./incident.js";
export * from "./job.js";
export * from "./silences.js";
