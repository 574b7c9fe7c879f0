/**
 * The runtime-neutral client conformance suite under real Deno: one
 * `Deno.test` per case of @tether/conformance's `clientCases`, with
 * `createClient()` over the Deno socket layer.
 */
import { type ClientUnderTest, clientCases } from "@tether/conformance";
import { createClient } from "../src/index.ts";

const target: ClientUnderTest = { runtime: "deno", createClient };

for (const c of clientCases) Deno.test(c.name, () => c.run(target));
