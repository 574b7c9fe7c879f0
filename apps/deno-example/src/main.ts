/** The Tether example app on Deno. Contract: apps/example-shared/README.md. */
import { createClient, serve } from "@tether/deno";
import { runExample } from "@tether/example-shared";

await runExample(
  { serve, createClient, print: (line) => console.log(line), exit: (code) => Deno.exit(code) },
  Deno.args,
);
