/**
 * The runtime-neutral attack cases under real Deno: slow headers and
 * bodies, header floods, connection and pipelining floods, each cut off by
 * a limit while a well-behaved client is served. Both sanitizers on: every
 * case closes its server, its sockets and its timers.
 */
import { attackCases } from "@tether/conformance";
import { serve } from "../src/index.ts";

Deno.test.sanitizer({ ops: true, resources: true });

for (const c of attackCases) Deno.test(c.name, () => c.run({ runtime: "deno", serve }));
