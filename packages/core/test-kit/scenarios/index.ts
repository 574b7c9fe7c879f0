/** Every scenario of the client pool, by area. */
import type { Scenario } from "../scenario.ts";
import { CONNECTION_SCENARIOS } from "./connections.ts";
import { LIFECYCLE_SCENARIOS } from "./lifecycle.ts";
import { PIPELINING_SCENARIOS } from "./pipelining.ts";
import { PROXY_SCENARIOS } from "./proxy.ts";
import { RETRY_SCENARIOS } from "./retry.ts";
import { REUSE_SCENARIOS } from "./reuse.ts";
import { TLS_SCENARIOS } from "./tls.ts";
import { TRUNCATION_SCENARIOS } from "./truncation.ts";

export {
  CONNECTION_SCENARIOS,
  LIFECYCLE_SCENARIOS,
  PIPELINING_SCENARIOS,
  PROXY_SCENARIOS,
  RETRY_SCENARIOS,
  REUSE_SCENARIOS,
  TLS_SCENARIOS,
  TRUNCATION_SCENARIOS,
};

/** All of them but TLS_SCENARIOS (see scenarios/tls.ts: no TLS servers for real-socket replay). */
export const ALL_SCENARIOS: readonly Scenario[] = [
  ...CONNECTION_SCENARIOS,
  ...REUSE_SCENARIOS,
  ...PIPELINING_SCENARIOS,
  ...RETRY_SCENARIOS,
  ...TRUNCATION_SCENARIOS,
  ...PROXY_SCENARIOS,
  ...LIFECYCLE_SCENARIOS,
];
