/** The faithful Salesforce stand-in: start it, drive its state, list its scenarios. */
export { startSimulator, type Simulator, type SimulatorOptions } from "./server.js";
export { SCENARIOS, isScenarioId, type ScenarioId } from "./scenario-list.js";
export { SCENARIO_STATES } from "./scenarios.js";
export type { SimControl, OrgCounters, StateView } from "./control.js";
export type { OrgPatch, AppPatch, UserPatch } from "./patches.js";
export {
  FAULT_KINDS,
  FAULT_ENDPOINTS,
  loadSimfile,
  validateSpec,
  type Fault,
  type FaultEndpoint,
  type SimSpec,
  type SimSpecInput,
} from "./spec.js";
export { myDomainHost } from "./state.js";
