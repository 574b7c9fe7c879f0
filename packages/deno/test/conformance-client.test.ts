/**
 * The runtime-neutral client conformance suite under real Deno: one
 * `Deno.test` per case of @tether/conformance's `clientCases`, with
 * `createClient()` over the Deno socket layer. The peers (node:http, the
 * kit's script servers) run in the same process; `--allow-net` is all it
 * takes. Both sanitizers on: no case leaves a timer, read or socket behind.
 */
import { type ClientUnderTest, clientCases } from "@tether/conformance";
import { createClient } from "../src/index.ts";

Deno.test.sanitizer({ ops: true, resources: true });

const target: ClientUnderTest = { runtime: "deno", createClient };

for (const c of clientCases) Deno.test(c.name, () => c.run(target));
