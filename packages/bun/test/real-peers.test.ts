import { describe, test } from "bun:test";
import { realPeerCases, skipReason } from "@tether/conformance";
import { serve } from "../src/index.ts";

describe("real peers against the Bun server", () => {
  for (const c of realPeerCases) {
    const why = skipReason(c, "bun");
    if (why === null) test(c.name, () => c.run({ runtime: "bun", serve }), 15_000);
    else test.skip(`${c.name} — skipped on bun: ${why}`, () => {});
  }
});
