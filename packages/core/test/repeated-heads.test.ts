/**
 * Repeated response heads: a field list equal to the last one gets the last
 * scan (outgoing-fields.ts `scanRepeatedFields`), and a head made from the
 * same scan, status, reason, version and framing gets the last head's octets
 * (serializer.ts). Whatever is remembered, every head must be exactly what a
 * fresh serialization gives — these tests change one input at a time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Fields } from "../src/fields.ts";
import type { BodyFraming } from "../src/message.ts";
import { scanFields, scanRepeatedFields, withField } from "../src/outgoing-fields.ts";
import { serializeResponseHead, serializeScannedResponseHead } from "../src/serializer.ts";
import { ServerConnection } from "../src/server-connection.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");
const text = (b: Uint8Array) => dec.decode(b);
const LENGTH = (length: number): BodyFraming => ({ kind: "length", length });

/** Reads one request on `conn` and answers it; returns the head's text. */
function answerOne(
  conn: ServerConnection,
  request: string,
  fields: readonly (readonly [string, string])[],
  status = 200,
  body = "ok",
  reason?: string,
): string {
  conn.receive(enc.encode(request));
  for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) {
    if (ev.type === "end") break;
  }
  const head = conn.respond(
    { status, fields, ...(reason !== undefined ? { reason } : {}) },
    status === 204 || status === 304 ? {} : { bodyLength: body.length },
  );
  if (conn.writerState === "body") {
    if (body.length > 0) conn.sendData(enc.encode(body));
    conn.sendEnd();
  }
  return text(head);
}

const GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

describe("scanRepeatedFields", () => {
  it("gives the same read-only scan for the same list, and for an equal new list", () => {
    const list: [string, string][] = [["content-type", "text/plain"]];
    const a = scanRepeatedFields(list);
    expect(a.shared).toBe(true);
    expect(scanRepeatedFields(list)).toBe(a);
    expect(scanRepeatedFields([["content-type", "text/plain"]])).toBe(a);
    expect(a.text).toBe("content-type: text/plain\r\n");
  });

  it("tells apart a list changed in place (value, name, an added line)", () => {
    const list: [string, string][] = [["x-a", "1"]];
    const a = scanRepeatedFields(list);
    (list[0] as [string, string])[1] = "2";
    const b = scanRepeatedFields(list);
    expect(b).not.toBe(a);
    expect(b.text).toBe("x-a: 2\r\n");
    (list[0] as [string, string])[0] = "x-b";
    expect(scanRepeatedFields(list).text).toBe("x-b: 2\r\n");
    list.push(["x-c", "3"]);
    expect(scanRepeatedFields(list).text).toBe("x-b: 2\r\nx-c: 3\r\n");
  });

  it("remembers a Fields by its lines, and never a one-shot iterable", () => {
    const a = scanRepeatedFields(new Fields(["X-A", "1"]));
    expect(scanRepeatedFields(new Fields(["X-A", "1"]))).toBe(a);
    expect(scanRepeatedFields(new Fields(["x-a", "1"]))).not.toBe(a);
    const once = new Map([["x-a", "1"]]).entries();
    const s = scanRepeatedFields(once);
    expect(s.shared).toBe(false);
    expect(s.text).toBe("x-a: 1\r\n");
  });

  it("RFC 9110 §5.5: an invalid line is refused every time, never remembered", () => {
    const bad: [string, string][] = [["x-a", "a\r\nb"]];
    expect(() => scanRepeatedFields(bad)).toThrow();
    expect(() => scanRepeatedFields(bad)).toThrow();
  });

  it("property: the scan equals a fresh scanFields() of the same list, whatever came before", () => {
    const line = fc.tuple(
      fc.constantFrom("x-a", "X-A", "content-type", "connection", "keep-alive"),
      fc.constantFrom("1", "2", "close", "text/plain", ""),
    );
    fc.assert(
      fc.property(fc.array(fc.array(line, { maxLength: 4 }), { maxLength: 6 }), (lists) => {
        for (const list of lists) {
          const { shared: _s, ...got } = scanRepeatedFields(list);
          const { shared: _f, ...want } = scanFields(list);
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("withField", () => {
  it("copies a shared scan (the shared one is unchanged), and gives the same copy for the same line", () => {
    const base = scanRepeatedFields([["x-a", "1"]]);
    const closed = withField(base, "Connection", "close");
    expect(closed).not.toBe(base);
    expect(base.text).toBe("x-a: 1\r\n");
    expect(base.connection).toBeUndefined();
    expect(closed.text).toBe("x-a: 1\r\nConnection: close\r\n");
    expect(closed.connection).toBe("close");
    expect(withField(base, "Connection", "close")).toBe(closed);
    expect(withField(base, "Connection", "keep-alive").text).toBe(
      "x-a: 1\r\nConnection: keep-alive\r\n",
    );
  });

  it("changes a scan of one's own in place", () => {
    const own = scanFields([["x-a", "1"]]);
    expect(withField(own, "Keep-Alive", "timeout=5")).toBe(own);
    expect(own.keepAlive).toBe(true);
  });
});

describe("repeated heads (serializer.ts)", () => {
  it("gives the same octets for the same scan, status and framing", () => {
    const scan = scanRepeatedFields([["content-type", "text/plain"]]);
    const a = serializeScannedResponseHead({ status: 200 }, scan, LENGTH(2));
    const b = serializeScannedResponseHead({ status: 200 }, scan, LENGTH(2));
    expect(b).toBe(a);
    expect(text(a)).toBe(
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 2\r\n\r\n",
    );
  });

  it("makes a new head when the status, reason, version, length, framing or scan differ", () => {
    const scan = scanRepeatedFields([["x-a", "1"]]);
    const fresh = (status: number, framing: BodyFraming, reason?: string, v?: "1.0") =>
      text(
        serializeResponseHead(
          {
            status,
            fields: [["x-a", "1"]],
            ...(reason !== undefined ? { reason } : {}),
            ...(v !== undefined ? { version: v } : {}),
          },
          framing,
        ),
      );
    const cases: [number, BodyFraming, string | undefined, "1.0" | undefined][] = [
      [200, LENGTH(2), undefined, undefined],
      [201, LENGTH(2), undefined, undefined],
      [200, LENGTH(3), undefined, undefined],
      [200, LENGTH(3), "Fine", undefined],
      [200, LENGTH(3), "Fine", "1.0"],
      [200, { kind: "chunked" }, undefined, undefined],
      [200, { kind: "close" }, undefined, undefined],
      [204, { kind: "none" }, undefined, undefined],
      [200, LENGTH(2), undefined, undefined],
    ];
    for (const [status, framing, reason, v] of cases) {
      const head = {
        status,
        ...(reason !== undefined ? { reason } : {}),
        ...(v !== undefined ? { version: v } : {}),
      };
      expect(text(serializeScannedResponseHead(head, scan, framing))).toBe(
        fresh(status, framing, reason, v),
      );
    }
    const other = scanRepeatedFields([["x-a", "2"]]);
    expect(text(serializeScannedResponseHead({ status: 200 }, other, LENGTH(2)))).toBe(
      "HTTP/1.1 200 OK\r\nx-a: 2\r\nContent-Length: 2\r\n\r\n",
    );
  });

  it("RFC 9112 §6.2: a repeated scan whose Content-Length contradicts a new length is refused", () => {
    const scan = scanRepeatedFields([["content-length", "2"]]);
    expect(text(serializeScannedResponseHead({ status: 200 }, scan, LENGTH(2)))).toContain(
      "content-length: 2\r\n",
    );
    expect(() => serializeScannedResponseHead({ status: 200 }, scan, LENGTH(3))).toThrow();
  });
});

describe("repeated heads on a server connection", () => {
  it("RFC 9112 §9.6: the answer that ends persistence says Connection: close though the fields repeat", () => {
    const conn = new ServerConnection({ maxRequests: 3 });
    const fields: [string, string][] = [["content-type", "text/plain"]];
    const plain = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 2\r\n\r\n";
    expect(answerOne(conn, GET, fields)).toBe(plain);
    expect(answerOne(conn, GET, fields)).toBe(plain);
    expect(answerOne(conn, GET, fields)).toBe(
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nConnection: close\r\nContent-Length: 2\r\n\r\n",
    );
    // A new connection with the same fields: the plain head again.
    expect(answerOne(new ServerConnection(), GET, fields)).toBe(plain);
  });

  it("RFC 9112 §9.3: a keep-alive HTTP/1.0 client gets Connection: keep-alive every time; a 1.1 one never", () => {
    const fields: [string, string][] = [["x-a", "1"]];
    const ten = new ServerConnection();
    const req10 = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    const want10 =
      "HTTP/1.1 200 OK\r\nx-a: 1\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n";
    expect(answerOne(ten, req10, fields)).toBe(want10);
    expect(answerOne(ten, req10, fields)).toBe(want10);
    expect(answerOne(new ServerConnection(), GET, fields)).toBe(
      "HTTP/1.1 200 OK\r\nx-a: 1\r\nContent-Length: 2\r\n\r\n",
    );
    expect(answerOne(ten, req10, fields)).toBe(want10);
  });

  it("advertised Keep-Alive max counts down though the fields repeat", () => {
    const conn = new ServerConnection({
      maxRequests: 5,
      advertiseKeepAlive: { timeoutSeconds: 5 },
    });
    const fields: [string, string][] = [["x-a", "1"]];
    expect(answerOne(conn, GET, fields)).toContain("Keep-Alive: timeout=5, max=4\r\n");
    expect(answerOne(conn, GET, fields)).toContain("Keep-Alive: timeout=5, max=3\r\n");
  });

  it("a HEAD answer, a 304 and a changed body length each get their own head", () => {
    const conn = new ServerConnection();
    const fields: [string, string][] = [["x-a", "1"]];
    expect(answerOne(conn, GET, fields, 200, "ok")).toContain("Content-Length: 2\r\n");
    expect(answerOne(conn, GET, fields, 200, "okay")).toContain("Content-Length: 4\r\n");
    expect(answerOne(conn, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", fields, 200, "")).toBe(
      "HTTP/1.1 200 OK\r\nx-a: 1\r\n\r\n",
    );
    expect(answerOne(conn, GET, fields, 304)).toBe("HTTP/1.1 304 Not Modified\r\nx-a: 1\r\n\r\n");
    expect(answerOne(conn, GET, fields, 200, "ok", "Fine")).toBe(
      "HTTP/1.1 200 Fine\r\nx-a: 1\r\nContent-Length: 2\r\n\r\n",
    );
  });
});
