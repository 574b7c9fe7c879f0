import { describe, test } from "bun:test";
import { type ClientUnderTest, clientCases } from "@tether/conformance";
import { createClient } from "../src/index.ts";

const target: ClientUnderTest = { runtime: "bun", createClient };

describe("client conformance on Bun", () => {
  for (const c of clientCases) test(c.name, () => c.run(target), 15_000);
});
