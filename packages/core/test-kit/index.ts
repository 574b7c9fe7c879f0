/**
 * `@tether/core/test-kit`: a deterministic simulated network for the client
 * pool, scripted server peers, and scenarios as data, usable by core's tests
 * and, over real sockets, by the adapters' tests.
 */
export { type ClockTask, VirtualClock } from "./clock.ts";
export {
  type ClientStep,
  checkScenario,
  type ExpectedResult,
  type PoolOptionsData,
  poolOptions,
  type ResultSummary,
  runScenario,
  type Scenario,
  type ScenarioExpect,
  type ScenarioOutcome,
  type ScenarioRequest,
  scenarioOrigin,
} from "./scenario.ts";
export {
  ALL_SCENARIOS,
  CONNECTION_SCENARIOS,
  LIFECYCLE_SCENARIOS,
  PIPELINING_SCENARIOS,
  PROXY_SCENARIOS,
  RETRY_SCENARIOS,
  REUSE_SCENARIOS,
  TLS_SCENARIOS,
  TRUNCATION_SCENARIOS,
} from "./scenarios/index.ts";
export { type PeerIO, type ReceivedRequest, ScriptedPeer, ServerLog } from "./scripted-server.ts";
export { serveResponse } from "./serve-response.ts";
export {
  bodyFor,
  type ConnectionScript,
  chunked,
  connectionScript,
  fromLatin1,
  httpResponse,
  latin1,
  type RequestMatch,
  type ResponseText,
  type ServeOptions,
  type ServerScript,
  type ServerStep,
} from "./server-script.ts";
export { type Fault, type RequestResult, SimNetwork, type SimOptions } from "./sim-network.ts";
