/**
 * A fetch handler's response head read once and reused while it repeats
 * (adapter-kit response-fast-path.ts, where `Headers` tells its entry
 * count, as Bun's does): a reused head must be the head a fresh read
 * gives, and must change with any status, reason or field; the content's
 * length is the content's own. Also the other per-request savings of the
 * fetch path: the answer kept in the exchange, the URL made when read, the
 * connection facts made for the handler alone.
 */
import { describe, expect, it } from "bun:test";
import { REASON_PHRASES } from "@tether/core";
import type { RequestInfo } from "../../adapter-kit/src/api.ts";
import { QuickResponse } from "../../adapter-kit/src/quick-response.ts";
import { type WebHead, webHead } from "../../adapter-kit/src/response-fast-path.ts";
import { exchange } from "../../adapter-kit/test/server-harness.ts";

/** The head as a fresh read gives it: every entry `forEach` visits, framing and cookies apart. */
function fresh(response: Response): Omit<WebHead, "fields"> & { fields: [string, string][] } {
  const fields: [string, string][] = [];
  let declared: string | null = null;
  response.headers.forEach((value, name) => {
    if (name === "content-length") declared = value;
    else if (name !== "set-cookie" && name !== "transfer-encoding") fields.push([name, value]);
  });
  for (const c of response.headers.getSetCookie()) fields.push(["set-cookie", c]);
  // No status text: the status code's usual reason phrase (RFC 9112 §4).
  const reason = response.statusText || (REASON_PHRASES[response.status] ?? "");
  return { status: response.status, reason, fields, declared };
}

/** The head `webHead` reads, checked against a fresh read of an equal response. */
function read(make: () => Response): WebHead {
  const head = webHead(make(), false);
  expect({ ...head, fields: [...head.fields] }).toEqual(fresh(make()));
  return head;
}

const plain = (): Response => new Response("x", { headers: { "content-type": "text/plain" } });

describe("a repeated response head (Bun's Headers#count)", () => {
  it("Bun's Headers tell their entry count (else nothing is reused)", () => {
    const headers = new Headers([
      ["x-a", "1"],
      ["x-a", "2"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ]);
    expect((headers as unknown as { count: number }).count).toBe(3);
  });

  it("an equal head is the same head again", () => {
    const first = read(plain);
    expect(read(plain)).toBe(first);
    expect(read(plain)).toBe(first);
  });

  const changes: [string, () => Response][] = [
    ["a field's value", () => new Response("x", { headers: { "content-type": "text/html" } })],
    ["a field's name", () => new Response("x", { headers: { "content-typf": "text/plain" } })],
    [
      "a field more",
      () => new Response("x", { headers: { "content-type": "text/plain", "x-more": "1" } }),
    ],
    ["a field less", () => new Response("x")],
    [
      "a field repeated (combined)",
      () =>
        new Response("x", {
          headers: [
            ["content-type", "text/plain"],
            ["content-type", "text/html"],
          ],
        }),
    ],
    [
      "a field more, another less (as many fields)",
      () => new Response("x", { headers: { "x-other": "text/plain" } }),
    ],
    [
      "the status",
      () => new Response("x", { status: 201, headers: { "content-type": "text/plain" } }),
    ],
    [
      "the reason phrase",
      () => new Response("x", { statusText: "Fine", headers: { "content-type": "text/plain" } }),
    ],
    [
      "a Set-Cookie line more",
      () => {
        const headers = new Headers({ "content-type": "text/plain" });
        headers.append("set-cookie", "a=1");
        return new Response("x", { headers });
      },
    ],
    [
      "a declared Content-Length",
      () => new Response("x", { headers: { "content-type": "text/plain", "content-length": "1" } }),
    ],
    [
      "a Transfer-Encoding",
      () =>
        new Response("x", {
          headers: { "content-type": "text/plain", "transfer-encoding": "chunked" },
        }),
    ],
  ];
  for (const [name, make] of changes) {
    it(`a head that differs in ${name} is read afresh, then reused only while it repeats`, () => {
      const first = read(plain);
      expect(read(plain)).toBe(first);
      const changed = read(make);
      expect(changed).not.toBe(first);
      const again = read(plain);
      expect(again).not.toBe(changed);
      expect(read(plain)).toBe(again);
    });
  }

  it("heads with Set-Cookie, Content-Length or Transfer-Encoding are never reused", () => {
    const extras: Record<string, string>[] = [
      { "set-cookie": "a=1" },
      { "content-length": "1" },
      { "transfer-encoding": "chunked" },
    ];
    for (const extra of extras) {
      const make = () => new Response("x", { headers: { "x-a": "1", ...extra } });
      const first = read(make);
      expect(read(make)).not.toBe(first);
    }
  });
});

const enc = new TextEncoder();

/** The answers in `text`, each as `[head, body]`. */
function answers(text: string): [string, string][] {
  const out: [string, string][] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf("\r\n\r\n", at);
    const head = text.slice(at, end);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
    const body = text.slice(end + 4, end + 4 + length);
    out.push([head, body]);
    at = end + 4 + length;
  }
  return out;
}

describe("answers with repeated heads, on the wire", () => {
  const requests = (targets: string[], method = "GET"): string =>
    targets
      .map(
        (t, i) =>
          `${i === targets.length - 1 ? "GET" : method} ${t} HTTP/1.1\r\nHost: h\r\n` +
          (i === targets.length - 1 ? "Connection: close\r\n" : "") +
          "\r\n",
      )
      .join("");

  it("RFC 9112 §6.2: each answer's Content-Length is its own content's, whatever the head", async () => {
    const text = await exchange(
      { fetch: (req) => plainOf(new URL(req.url).pathname.slice(1)) },
      requests(["/a", "/abc", "/abcdef", "/", "/ab"]),
    );
    const seen = answers(text);
    expect(seen.map(([, body]) => body)).toEqual(["a", "abc", "abcdef", "", "ab"]);
    for (const [head, body] of seen) {
      expect(head).toContain(`\r\ncontent-type: text/plain\r\n`);
      expect(head).toContain(`\r\nContent-Length: ${enc.encode(body).length}`);
    }
  });

  it("a field, the status or the reason changing between repeated heads changes the answer's head", async () => {
    const make: Record<string, () => Response> = {
      "/p": () => plainOf("p"),
      "/v": () => new Response("v", { headers: { "content-type": "text/html" } }),
      "/s": () => new Response("s", { status: 203, headers: { "content-type": "text/plain" } }),
      "/r": () =>
        new Response("r", { statusText: "Quite OK", headers: { "content-type": "text/plain" } }),
      "/m": () => new Response("m", { headers: { "content-type": "text/plain", "x-m": "1" } }),
    };
    const targets = ["/p", "/p", "/v", "/p", "/p", "/s", "/p", "/r", "/p", "/m", "/p", "/p"];
    const text = await exchange(
      { fetch: (req) => (make[new URL(req.url).pathname] as () => Response)() },
      requests(targets),
    );
    const seen = answers(text);
    expect(seen.length).toBe(targets.length);
    seen.forEach(([head, body], i) => {
      const target = targets[i] as string;
      expect(body).toBe(target.slice(1));
      // Bun's default status text is empty: the usual reason phrase is sent.
      const line =
        { "/s": "203 Non-Authoritative Information", "/r": "200 Quite OK" }[target] ?? "200 OK";
      expect(head.split("\r\n")[0]).toBe(`HTTP/1.1 ${line}`);
      expect(head.includes("content-type: text/html")).toBe(target === "/v");
      expect(head.includes("x-m: 1")).toBe(target === "/m");
    });
  });

  it("RFC 9110 §9.3.2: HEAD answers add their Content-Length to a copy, never to the repeated head", async () => {
    const text = await exchange(
      { fetch: () => plainOf("hello") },
      requests(["/", "/", "/", "/"], "HEAD"),
    );
    // Three HEAD answers (no content), then a GET with its content.
    const heads = text.split("HTTP/1.1 ").slice(1);
    expect(heads.length).toBe(4);
    for (const head of heads) {
      expect(head.match(/content-length/gi)?.length).toBe(1);
      expect(head.toLowerCase()).toContain("content-length: 5");
    }
    expect(text.endsWith("\r\n\r\nhello")).toBe(true);
  });
});

function plainOf(text: string): Response {
  return new Response(text, { headers: { "content-type": "text/plain" } });
}

describe("the fetch path's per-request savings", () => {
  it("the fetch handler gets the connection facts of each request (made for it alone)", async () => {
    const infos: RequestInfo[] = [];
    await exchange(
      {
        fetch: (_req, info) => {
          infos.push(info);
          return new Response("ok");
        },
      },
      "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    );
    expect(infos.map((i) => i.requestNumber)).toEqual([1, 2]);
    expect(infos[0]?.connection).toBe(infos[1]?.connection as number);
    expect(infos[0]?.remoteAddress).toBe("127.0.0.1");
  });

  it("RFC 9112 §3.2: the URL is made from Host when read, or from the server's address without one", async () => {
    const urls: string[] = [];
    await exchange(
      {
        fetch: (req) => {
          urls.push(req.url);
          return new Response("ok");
        },
      },
      "GET /a?b=1 HTTP/1.1\r\nHost: example.test:81\r\n\r\nGET /c HTTP/1.0\r\n\r\n",
    );
    expect(urls[0]).toBe("http://example.test:81/a?b=1");
    expect(urls[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/c$/);
  });

  it("RFC 9110 §8.6, §15.6.1: a QuickResponse whose declared Content-Length disagrees with its content gets the 500 a Response of the same content gets", async () => {
    const errors: unknown[] = [];
    const text = await exchange(
      {
        onError: (error) => errors.push(error),
        fetch: () => new QuickResponse(enc.encode("four"), { headers: { "content-length": "9" } }),
      },
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    );
    const general = await exchange(
      {
        onError: (error) => errors.push(error),
        fetch: () => new Response(enc.encode("four"), { headers: { "content-length": "9" } }),
      },
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    );
    expect(text).toBe(general);
    expect(text).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    expect(errors.map((e) => (e as Error).message)).toEqual([
      "Response declares Content-Length 9 but its content is 4 octets (RFC 9110 §8.6)",
      "Response declares Content-Length 9 but its content is 4 octets (RFC 9110 §8.6)",
    ]);
  });
});
