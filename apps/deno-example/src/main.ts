/** The Tether example app on Deno. Contract: apps/example-shared/README.md. */
import { createClient, denoSocketLayer, serve } from "@tether/deno";
import { runExample } from "@tether/example-shared";

await runExample(
  {
    serve,
    createClient,
    // With it, `proxy` accepts CONNECT and tunnels bytes (https through the proxy).
    socketLayer: denoSocketLayer,
    print: (line) => console.log(line),
    exit: (code) => Deno.exit(code),
    // `--tls-cert`, `--tls-key` and `--ca` only: needs `--allow-read` for those files.
    readTextFile: (path) => Deno.readTextFile(path),
  },
  Deno.args,
);
