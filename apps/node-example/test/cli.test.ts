import { join } from "node:path";
import { exampleCliCases } from "@tether/conformance";
import { describe, it } from "vitest";

const cwd = join(import.meta.dirname, "..");
const app = {
  runtime: "node",
  cwd,
  command: [join(cwd, "node_modules", ".bin", "tsx"), "src/main.ts"],
};

describe("node-example keeps the example contract", () => {
  for (const c of exampleCliCases) it(c.name, () => c.run(app), 40_000);
});
