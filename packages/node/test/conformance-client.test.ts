import { type ClientUnderTest, clientCases } from "@tether/conformance";
import { describe, it } from "vitest";
import { createClient } from "../src/index.ts";

const target: ClientUnderTest = { runtime: "node", createClient };

describe("client conformance on Node", () => {
  for (const c of clientCases) it(c.name, () => c.run(target));
});
