/**
 * The client fault sweep under real Deno: an origin that resets or closes
 * at every octet offset of a response, through `createClient()` over the
 * Deno socket layer. Both sanitizers on.
 */
import { type ClientUnderTest, clientFaultSweepCases } from "@tether/conformance";
import { createClient } from "../src/index.ts";

Deno.test.sanitizer({ ops: true, resources: true });

const target: ClientUnderTest = { runtime: "deno", createClient };

for (const c of clientFaultSweepCases) Deno.test(c.name, () => c.run(target));
