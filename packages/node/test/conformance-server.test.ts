import { serverCases } from "@tether/conformance";
import { describe, it } from "vitest";
import { installQuickResponse, QuickResponse, serve } from "../src/index.ts";

describe("server conformance on Node", () => {
  for (const c of serverCases)
    it(c.name, () => c.run({ runtime: "node", serve, QuickResponse, installQuickResponse }));
});
