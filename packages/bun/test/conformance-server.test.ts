import { describe, test } from "bun:test";
import { serverCases } from "@tether/conformance";
import { serve } from "../src/index.ts";

describe("server conformance on Bun", () => {
  for (const c of serverCases) test(c.name, () => c.run({ runtime: "bun", serve }), 15000);
});
