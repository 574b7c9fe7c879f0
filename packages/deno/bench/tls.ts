/**
 * TLS benchmark on Deno (issue #9), run by hand:
 *
 *     cd packages/deno && deno run --no-lock --no-check -A bench/tls.ts [--quick] [--rounds N] [--seconds S] [--only SECTIONS]
 *
 * Tether's client against Deno's `fetch` (an HTTP/1.1-only
 * `Deno.createHttpClient` trusting the test CA) and Tether's `serve({ tls })`
 * against `Deno.serve` over TLS: keep-alive requests/s and new-connection
 * handshakes/s, interleaved rounds. The sections, rounds and tables are the
 * bench kit's (packages/conformance/bench-kit/tls.ts); this file names the
 * contenders and is also the child that serves them (`--child KIND CERT KEY`).
 * Neither side resumes TLS sessions on Deno (src/tls.ts), so the
 * new-connection rate is the full-handshake rate.
 */
import { nativeAnswer, runTlsBench, serveTetherChild } from "../../conformance/bench-kit/tls.ts";
import { createClient, serve } from "../src/index.ts";

/** In a child: serve TLS with `kind` on 127.0.0.1 and print `port N`. */
async function child(kind: string, certFile: string, keyFile: string): Promise<void> {
  const cert = await Deno.readTextFile(certFile);
  const key = await Deno.readTextFile(keyFile);
  if (kind === "tether") {
    await serveTetherChild(serve, cert, key);
    return;
  }
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert, key, onListen: () => {} },
    nativeAnswer,
  );
  console.log(`port ${server.addr.port}`);
}

if (Deno.args[0] === "--child") {
  await child(Deno.args[1] as string, Deno.args[2] as string, Deno.args[3] as string);
} else {
  const self = new URL(import.meta.url).pathname;
  await runTlsBench(
    {
      version: `Deno ${Deno.version.deno}`,
      createClient,
      nativeServer: "Deno.serve",
      nativeFetch: (ca) => {
        const client = Deno.createHttpClient({ caCerts: [ca], http2: false });
        return {
          label: "Deno fetch",
          get: async (url) => {
            const r = await fetch(url, { client });
            await r.arrayBuffer();
          },
          close: () => client.close(),
        };
      },
      childArgv: (kind, certFile, keyFile) => [
        Deno.execPath(),
        "run",
        "--no-lock",
        "--no-check",
        "--allow-net",
        "--allow-read",
        self,
        "--child",
        kind,
        certFile,
        keyFile,
      ],
    },
    Deno.args,
  );
  Deno.exit(0);
}
