/**
 * The runtime-neutral server conformance suite under real Deno: one
 * `Deno.test` per case of @tether/conformance, exactly as vitest runs them
 * on Node.
 *
 * Sanitizers are off here, for one reason outside this package: the kit's
 * `withServer` races `server.close()` against a 3 s `sleep` that is never
 * cleared (packages/conformance/src/server-cases.ts), so every case ends
 * with that timer pending, and Deno 2.9 counts a pending timer as a leak
 * under both the ops and the resources sanitizer. With both set to true
 * below (the CLI flags do not override this module's setting) and
 * `--trace-leaks`, that timer is the only leak reported (26 cases, 26 times
 * server-cases.ts:39): no socket, read or write is left behind. The
 * socket-layer, real-peer and client tests keep both sanitizers on.
 */
import { serverCases } from "@tether/conformance";
import { installQuickResponse, QuickResponse, serve } from "../src/index.ts";

Deno.test.sanitizer({ ops: false, resources: false });

for (const c of serverCases) {
  Deno.test(c.name, () => c.run({ runtime: "deno", serve, QuickResponse, installQuickResponse }));
}
