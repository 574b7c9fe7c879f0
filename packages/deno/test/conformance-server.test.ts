/**
 * The runtime-neutral server conformance suite under real Deno: one
 * `Deno.test` per case of @tether/conformance, exactly as vitest runs them
 * on Node. Both sanitizers on: every case closes its server, its sockets
 * and its timers.
 */
import { serverCases } from "@tether/conformance";
import { installQuickResponse, QuickResponse, serve } from "../src/index.ts";

Deno.test.sanitizer({ ops: true, resources: true });

for (const c of serverCases) {
  Deno.test(c.name, () => c.run({ runtime: "deno", serve, QuickResponse, installQuickResponse }));
}
