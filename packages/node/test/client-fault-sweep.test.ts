import { type ClientUnderTest, clientFaultSweepCases } from "@tether/conformance";
import { describe, it } from "vitest";
import { createClient } from "../src/index.ts";

const target: ClientUnderTest = { runtime: "node", createClient };

describe("client fault sweep on Node", () => {
  for (const c of clientFaultSweepCases) it(c.name, () => c.run(target), 20_000);
});
