import { describe, test } from "bun:test";
import { serverCases } from "@tether/conformance";
import { installQuickResponse, QuickResponse, serve } from "../src/index.ts";

describe("server conformance on Bun", () => {
  for (const c of serverCases)
    test(
      c.name,
      () => c.run({ runtime: "bun", serve, QuickResponse, installQuickResponse }),
      15000,
    );
});
