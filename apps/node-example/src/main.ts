/** The Tether example app on Node.js. Contract: apps/example-shared/README.md. */
import { runExample } from "@tether/example-shared";
import { createClient, serve } from "@tether/node";

await runExample(
  {
    serve,
    createClient,
    print: (line) => process.stdout.write(`${line}\n`),
    exit: (code) => {
      process.exitCode = code;
    },
  },
  process.argv.slice(2),
);
