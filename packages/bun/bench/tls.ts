/**
 * TLS benchmark on Bun (issue #9), run by hand:
 *
 *     cd packages/bun && ../../node_modules/.bin/bun bench/tls.ts [--quick] [--rounds N] [--seconds S] [--only SECTIONS]
 *
 * Tether's client against Bun's `fetch` (trusting the test CA through its
 * `tls.ca` option) and Tether's `serve({ tls })` against `Bun.serve({ tls })`:
 * keep-alive requests/s and new-connection handshakes/s, interleaved
 * rounds. The sections, rounds and tables are the bench kit's
 * (packages/conformance/bench-kit/tls.ts); this file names the contenders
 * and is also the child that serves them (`--child KIND CERT KEY`).
 */
import { nativeAnswer, runTlsBench, serveTetherChild } from "../../conformance/bench-kit/tls.ts";
import { createClient, serve } from "../src/index.ts";

/** In a child: serve TLS with `kind` on 127.0.0.1 and print `port N`. */
async function child(kind: string, certFile: string, keyFile: string): Promise<void> {
  const cert = await Bun.file(certFile).text();
  const key = await Bun.file(keyFile).text();
  if (kind === "tether") {
    await serveTetherChild(serve, cert, key);
    return;
  }
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert, key },
    fetch: nativeAnswer,
  });
  console.log(`port ${server.port}`);
}

const args = Bun.argv.slice(2);
if (args[0] === "--child") {
  await child(args[1] as string, args[2] as string, args[3] as string);
} else {
  const self = new URL(import.meta.url).pathname;
  await runTlsBench(
    {
      version: `Bun ${Bun.version}`,
      createClient,
      nativeServer: "Bun.serve",
      nativeFetch: (ca) => ({
        label: "Bun fetch",
        get: async (url) => {
          const r = await fetch(url, { tls: { ca } });
          await r.arrayBuffer();
        },
        close: () => {},
      }),
      childArgv: (kind, certFile, keyFile) => [
        process.execPath,
        self,
        "--child",
        kind,
        certFile,
        keyFile,
      ],
    },
    args,
  );
  process.exit(0);
}
