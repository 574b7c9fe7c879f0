/**
 * TLS on Bun (issue #9): the conformance kit's TLS cases under `bun test`,
 * with certificates made at test time by `openssl`. Bun resumes sessions
 * (`setSession`/`getSession`), so the resumption case checks it.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { TlsFailure } from "@tether/adapter-kit";
import {
  dialOutcome,
  makeTestCertificates,
  type TestCertificates,
  tlsCases,
} from "@tether/conformance";
import { bunSocketLayer, createClient, serve } from "../src/index.ts";

let certs: TestCertificates;

beforeAll(() => {
  certs = makeTestCertificates();
});

afterAll(() => certs?.remove());

describe("TLS conformance on Bun", () => {
  for (const c of tlsCases) {
    it(
      c.name,
      () =>
        c.run({
          runtime: "bun",
          serve,
          createClient,
          socketLayer: bunSocketLayer,
          certs,
          resumesSessions: true,
        }),
      20_000,
    );
  }
});

describe("Bun socket layer: TLS failures are told from transport failures", () => {
  /** What a connect reported: open, then close with this error (or none). */
  const dial = (port: number) =>
    dialOutcome(bunSocketLayer, { hostname: "127.0.0.1", port, tls: { rejectUnauthorized: true } });

  it("a plain-TCP peer answering in HTTP fails the handshake: close(TlsFailure), never open", async () => {
    const plain = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(socket) {
          socket.write("HTTP/1.1 400 Bad Request\r\n\r\n");
          socket.end();
        },
      },
    });
    try {
      const { opened, error } = await dial(plain.port);
      expect(opened).toBe(false);
      expect(error).toBeInstanceOf(TlsFailure);
    } finally {
      plain.stop(true);
    }
  });

  it("a refused connection is close(error) without open, and not a TlsFailure", async () => {
    const { opened, error } = await dial(1);
    expect(opened).toBe(false);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TlsFailure);
  });
});
