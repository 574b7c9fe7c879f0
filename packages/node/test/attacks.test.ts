import { attackCases } from "@tether/conformance";
import { describe, it } from "vitest";
import { serve } from "../src/index.ts";

describe("attacks on Node", () => {
  for (const c of attackCases) it(c.name, () => c.run({ runtime: "node", serve }));
});
