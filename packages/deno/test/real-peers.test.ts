/**
 * @tether/conformance's real-peer cases (curl and other real clients)
 * against a Tether server on the Deno socket layer; cases whose peer cannot
 * run here are registered as ignored, with the reason. The peers need more
 * than the adapter: `--allow-env` (undici, node:child_process),
 * `--allow-read=/usr/bin/curl` (the kit checks the program exists) and
 * `--allow-run=/usr/bin/curl`.
 */
import { realPeerCases, skipReason } from "@tether/conformance";
import { serve } from "../src/index.ts";

for (const c of realPeerCases) {
  const why = skipReason(c, "deno");
  Deno.test({
    name: why === null ? c.name : `${c.name} — skipped on deno: ${why}`,
    ignore: why !== null,
    fn: () => c.run({ runtime: "deno", serve }),
  });
}
