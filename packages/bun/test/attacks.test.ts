import { describe, test } from "bun:test";
import { attackCases } from "@tether/conformance";
import { serve } from "../src/index.ts";

describe("attacks on Bun", () => {
  for (const c of attackCases) test(c.name, () => c.run({ runtime: "bun", serve }), 10_000);
});
