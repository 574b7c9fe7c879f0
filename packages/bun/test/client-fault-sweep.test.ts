import { describe, test } from "bun:test";
import { type ClientUnderTest, clientFaultSweepCases } from "@tether/conformance";
import { createClient } from "../src/index.ts";

const target: ClientUnderTest = { runtime: "bun", createClient };

describe("client fault sweep on Bun", () => {
  for (const c of clientFaultSweepCases) test(c.name, () => c.run(target), 20_000);
});
