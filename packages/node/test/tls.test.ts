/**
 * TLS on Node (issue #9): the conformance kit's TLS cases, and what only
 * Node offers or shows — session resumption, the layer's own TLS contract.
 * Certificates are made at test time with `openssl`.
 */
import { makeTestCertificates, type TestCertificates, tlsCases } from "@tether/conformance";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createClient, nodeSocketLayer, serve } from "../src/index.ts";

let certs: TestCertificates;

beforeAll(() => {
  certs = makeTestCertificates();
});

afterAll(() => certs?.remove());

describe("TLS conformance on Node", () => {
  for (const c of tlsCases) {
    it(c.name, () =>
      c.run({
        runtime: "node",
        serve,
        createClient,
        socketLayer: nodeSocketLayer,
        certs,
        resumesSessions: true,
      }),
    );
  }
});
