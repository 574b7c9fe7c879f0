import { bunSocketLayer, createClient, serve } from "@tether/bun";
import { runExample } from "@tether/example-shared";

await runExample(
  {
    serve,
    createClient,
    socketLayer: bunSocketLayer,
    print: (line) => console.log(line),
    exit: (code) => process.exit(code),
  },
  Bun.argv.slice(2),
);
