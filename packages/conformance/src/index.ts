/**
 * @tether/conformance — one suite, every runtime. Each adapter's tests
 * import these case lists and register them with their runtime's test
 * runner (vitest, `bun test`, `deno test`).
 */

export { attackCases, PROBE_ADDRESS, probe } from "./attack-cases.ts";
export { type ClientUnderTest, clientCases, scenariosNotReplayed } from "./client-cases.ts";
export {
  type CutMode,
  clientFaultSweepCases,
  FaultOrigin,
  SWEEP_RESPONSE,
} from "./client-fault-sweep.ts";
export {
  type ExampleApp,
  exampleCliCases,
  type RunningExample,
  runExample,
  startExample,
} from "./example-cli-cases.ts";
export { type ParsedResponse, parseResponses, RawClient, type RawEnd } from "./raw-client.ts";
export { type RealPeerCase, realPeerCases, skipReason } from "./real-peer-cases.ts";
export { type ReplayOptions, replayIssue, replayScenario } from "./scenario-replay.ts";
export { ScriptServer, type ScriptServerOptions } from "./script-server.ts";
export {
  type AdapterUnderTest,
  type ConformanceCase,
  type ServerUnderTest,
  serverCases,
} from "./server-cases.ts";
export { socketLayerCases } from "./socket-layer-cases.ts";
export {
  acceptedAt,
  codeOf,
  macrotask,
  pattern,
  type SocketEventName,
  SocketRecorder,
  SocketScope,
  scoped,
  text,
} from "./socket-recorder.ts";
export { type TlsUnderTest, tlsCases } from "./tls-cases.ts";
export { type CertPair, makeTestCertificates, type TestCertificates } from "./tls-certs.ts";
export { dialOutcome } from "./tls-kit.ts";
