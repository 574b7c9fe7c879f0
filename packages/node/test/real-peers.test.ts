import { realPeerCases, skipReason } from "@tether/conformance";
import { describe, it } from "vitest";
import { serve } from "../src/index.ts";

describe("real peers against the Node server", () => {
  for (const c of realPeerCases) {
    const why = skipReason(c, "node");
    if (why === null) it(c.name, () => c.run({ runtime: "node", serve }));
    else it.skip(`${c.name} — skipped on node: ${why}`, () => {});
  }
});
