/** The Tether example app on Node.js. Contract: apps/example-shared/README.md. */
import { runExample } from "@tether/example-shared";
import { createClient, nodeSocketLayer, serve } from "@tether/node";

await runExample(
  {
    serve,
    createClient,
    socketLayer: nodeSocketLayer,
    print: (line) => process.stdout.write(`${line}\n`),
    exit: (code) => {
      process.exitCode = code;
    },
  },
  process.argv.slice(2),
);
