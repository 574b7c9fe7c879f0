/**
 * A raw TLS peer for the TLS cases (tls-cases.ts): plain HTTP and TLS on one
 * port, told apart by the first octet, recording for each connection what
 * the client sent — SNI name, ALPN offer, session resumption, client
 * certificate — so that the cases can check it. A `node:tls` server socket,
 * which Node, Bun and Deno all provide.
 */
import net from "node:net";
import tls from "node:tls";
import type { TestCertificates } from "./tls-certs.ts";

/** What a raw TLS peer saw of one connection. */
export interface SeenConnection {
  readonly servername: string | false | undefined;
  readonly alpn: string | false | null;
  readonly resumed: boolean;
  readonly clientCert: string | undefined;
  readonly scheme: "http" | "https";
}

/** A peer: plain HTTP and TLS on one port (sniffing the first octet), recording each connection. */
export interface RawPeer {
  readonly port: number;
  readonly seen: SeenConnection[];
  close(): Promise<void>;
}

/**
 * Answers every request head on `socket` with `200` and `body` (the
 * scheme), keeping the connection unless `close`.
 */
function answerHeads(socket: net.Socket, body: string, close: boolean): void {
  let buffered = "";
  socket.on("data", (d: Uint8Array) => {
    buffered += new TextDecoder().decode(d);
    for (let end = buffered.indexOf("\r\n\r\n"); end !== -1; end = buffered.indexOf("\r\n\r\n")) {
      buffered = buffered.slice(end + 4);
      const head = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${close ? "Connection: close\r\n" : ""}\r\n`;
      socket.write(head + body);
      if (close) socket.end();
    }
  });
  socket.on("error", () => {});
}

/**
 * Starts a {@link RawPeer} on 127.0.0.1: a first octet of 0x16 (a TLS
 * handshake record) gets TLS, anything else plain HTTP, so that `http://`
 * and `https://` name the same host and port.
 */
export async function startRawPeer(
  certs: TestCertificates,
  options: { close?: boolean; requestCert?: boolean } = {},
): Promise<RawPeer> {
  const seen: SeenConnection[] = [];
  const context = tls.createSecureContext({ cert: certs.server.cert, key: certs.server.key });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
    raw.on("error", () => {});
    raw.once("data", (first: Uint8Array) => {
      raw.pause();
      raw.unshift(first);
      if (first[0] !== 0x16) {
        seen.push({
          servername: undefined,
          alpn: null,
          resumed: false,
          clientCert: undefined,
          scheme: "http",
        });
        answerHeads(raw, "http", options.close === true);
        raw.resume();
        return;
      }
      // The octet read is handed back; the TLS socket takes it from the
      // paused stream's buffer (resuming `raw` would lose it).
      const secure = new tls.TLSSocket(raw, {
        isServer: true,
        secureContext: context,
        // With a callback, the server records the client's SNI name.
        SNICallback: (_name, done) => done(null, context),
        // The client's offer decides: it must not offer h2 (Tether speaks http/1.1 only).
        ALPNProtocols: ["h2", "http/1.1"],
        requestCert: options.requestCert === true,
        rejectUnauthorized: false,
        ca: certs.ca.cert,
      });
      secure.on("secure", () => {
        const cn = secure.getPeerCertificate()?.subject?.CN;
        seen.push({
          servername: (secure as tls.TLSSocket & { servername?: string | false }).servername,
          alpn: secure.alpnProtocol,
          resumed: secure.isSessionReused(),
          clientCert: Array.isArray(cn) ? cn[0] : cn,
          scheme: "https",
        });
      });
      answerHeads(secure, "https", options.close === true);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Runs `body` with a started raw peer, then closes it. */
export async function withRawPeer(
  certs: TestCertificates,
  options: { close?: boolean; requestCert?: boolean },
  body: (peer: RawPeer) => Promise<void>,
): Promise<void> {
  const peer = await startRawPeer(certs, options);
  try {
    await body(peer);
  } finally {
    await peer.close();
  }
}
