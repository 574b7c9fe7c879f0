/**
 * @tether/conformance — one suite, every runtime. Each adapter's tests
 * import these case lists and register them with their runtime's test
 * runner (vitest, `bun test`, `deno test`).
 */

export {
  type ExampleApp,
  exampleCliCases,
  type RunningExample,
  runExample,
  startExample,
} from "./example-cli-cases.ts";
export { type ParsedResponse, parseResponses, RawClient, type RawEnd } from "./raw-client.ts";
export { type ConformanceCase, type ServerUnderTest, serverCases } from "./server-cases.ts";
