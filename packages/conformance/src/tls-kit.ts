/**
 * What the TLS cases share (tls-cases.ts, tls-client-cases.ts,
 * tls-replay-cases.ts): the runtime under test, an https `serve()` on
 * 127.0.0.1 answering `hello <target>`, and the example app of the runtime.
 */
import type {
  ConnectOptions,
  CreateClient,
  RawHandler,
  Serve,
  SocketLayer,
  TetherServer,
} from "@tether/adapter-kit";
import type { ExampleRuntime } from "@tether/example-shared";
import type { TestCertificates } from "./tls-certs.ts";

/** What a runtime gives the TLS suite. */
export interface TlsUnderTest {
  readonly runtime: string;
  readonly serve: Serve;
  readonly createClient: CreateClient;
  readonly socketLayer: SocketLayer;
  /** Made once for the suite (makeTestCertificates). */
  readonly certs: TestCertificates;
  /** The runtime resumes TLS sessions, so the resumption case checks it. */
  readonly resumesSessions?: boolean;
}

/** A handler answering `hello <target>` on every request. */
const hello: RawHandler = (ex) => {
  ex.respond(200, [["content-type", "text/plain"]], `hello ${ex.head.target}`);
};

/** Runs `body` against `serve({ tls })` on 127.0.0.1 with `identity`, then closes it. */
export async function withTlsServer(
  t: TlsUnderTest,
  identity: { cert: string; key: string },
  body: (server: TetherServer, origin: string) => Promise<void>,
): Promise<void> {
  const server = await t.serve({
    hostname: "127.0.0.1",
    port: 0,
    handler: hello,
    tls: { cert: identity.cert, key: identity.key },
  });
  try {
    await body(server, `https://localhost:${server.port}`);
  } finally {
    await server.close();
  }
}

/** The example app of this runtime, in process; its output lines are collected. */
export function exampleRuntime(t: TlsUnderTest, lines: string[], codes: number[]): ExampleRuntime {
  return {
    serve: t.serve,
    createClient: t.createClient,
    socketLayer: t.socketLayer,
    print: (line) => lines.push(line),
    printError: (line) => lines.push(`stderr: ${line}`),
    exit: (code) => codes.push(code),
  };
}

/**
 * Connects with `layer` and reports what it said: whether `open` came
 * (the socket is then closed at once) and the error `close` gave, if any.
 */
export function dialOutcome(
  layer: SocketLayer,
  options: ConnectOptions,
): Promise<{ opened: boolean; error: Error | undefined }> {
  return new Promise((resolve) => {
    let opened = false;
    layer.connect(options, {
      open: (socket) => {
        opened = true;
        socket.close();
      },
      data: () => {},
      end: () => {},
      drain: () => {},
      close: (error) => resolve({ opened, error }),
    });
  });
}
