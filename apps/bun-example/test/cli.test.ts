import { describe, test } from "bun:test";
import { join } from "node:path";
import { exampleCliCases } from "@tether/conformance";

const cwd = join(import.meta.dir, "..");
const app = { runtime: "bun", cwd, command: [process.execPath, "run", "src/main.ts"] };

describe("bun-example keeps the example contract", () => {
  for (const c of exampleCliCases) test(c.name, () => c.run(app), 40_000);
});
