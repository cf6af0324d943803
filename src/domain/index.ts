export * from "./causes.js";
export * from "./stages.js";
export * from "./result.js";
export * from "./history.js";
