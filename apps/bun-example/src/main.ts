import { createClient, serve } from "@tether/bun";
import { runExample } from "@tether/example-shared";

await runExample(
  { serve, createClient, print: (line) => console.log(line), exit: (code) => process.exit(code) },
  Bun.argv.slice(2),
);
