/**
 * The checks web-answer-cases.ts makes of a `fetch`-handler server's
 * answers on the wire: HEAD against GET (RFC 9110 §9.3.2), an answer cut
 * with its connection (RFC 9112 §6.3, §8), and the 500 of an answer that
 * failed before any of it was written (RFC 9110 §15.6.1).
 */
import assert from "node:assert/strict";
import type { TetherServer } from "@tether/adapter-kit";
import { type ParsedResponse, parseResponses, RawClient } from "./raw-client.ts";

/** Sends `requests` (pipelined) on a fresh connection and reads `count` responses. */
export async function exchange(
  server: TetherServer,
  requests: string,
  count: number,
): Promise<ParsedResponse[]> {
  const c = new RawClient(server.port);
  try {
    await c.send(requests);
    const responses = await c.responses(count);
    assert.equal(responses.length, count, `${count} responses to ${JSON.stringify(requests)}`);
    return responses;
  } finally {
    c.destroy();
  }
}

export const req = (method: string, path: string) =>
  `${method} ${path} HTTP/1.1\r\nHost: t\r\n\r\n`;

/** A head's field lines, names lower-cased, sorted, without Date and `leave`. */
function fieldLines(headers: readonly (readonly [string, string])[], leave: string[]): string[] {
  return headers
    .map(([n, v]) => [n.toLowerCase(), v] as const)
    .filter(([n]) => n !== "date" && !leave.includes(n))
    .map(([n, v]) => `${n}: ${v}`)
    .sort();
}

/** The field lines of a head's text. */
function headLines(text: string): [string, string][] {
  return text
    .split("\r\n")
    .slice(1)
    .filter((line) => line !== "")
    .map((line): [string, string] => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
}

/** Checks that HEAD `path` gets GET `path`'s head and no content. */
export async function checkHead(server: TetherServer, path: string): Promise<void> {
  const c = new RawClient(server.port);
  try {
    await c.send(req("HEAD", path) + req("GET", path));
    const split = (text: string) => {
      const end = text.indexOf("\r\n\r\n");
      return end === -1 ? null : { head: text.slice(0, end + 4), rest: text.slice(end + 4) };
    };
    await c.until((cl) => {
      const s = split(cl.text());
      return s !== null && parseResponses(s.rest).length >= 1;
    });
    const s = split(c.text());
    assert.ok(s !== null, `${path}: HEAD answered`);
    // RFC 9110 §9.3.2: no content — the GET's answer follows the head at once.
    assert.ok(s.rest.startsWith("HTTP/1.1 "), `${path}: nothing between HEAD's head and GET's`);
    // The HEAD answer's head read alone (a reader of whole messages would
    // wait for the content its Content-Length announces).
    const head = { headers: headLines(s.head) };
    const [get] = parseResponses(s.rest);
    assert.ok(get !== undefined);
    assert.equal(s.head.split("\r\n")[0], s.rest.split("\r\n")[0], `${path}: status line`);
    // Transfer-Encoding may be left out of a HEAD answer (RFC 9110 §9.3.2);
    // Content-Length, when GET's answer has one, must be the same (§8.6).
    const leave = ["transfer-encoding"];
    assert.deepEqual(fieldLines(head.headers, leave), fieldLines(get.headers, leave), path);
  } finally {
    c.destroy();
  }
}

/**
 * Checks that GET `path`, answered with a Content-Length its content does
 * not meet, is cut: fewer octets than declared (a prefix of the content),
 * then the connection closed, no later answer on it; a new connection works.
 */
export async function checkCut(server: TetherServer, path: string, content: string): Promise<void> {
  const c = new RawClient(server.port);
  try {
    await c.send(req("GET", path) + req("GET", "/ok"));
    assert.notEqual(await c.closed(), "open", `${path}: connection closed`);
    const text = c.text();
    const end = text.indexOf("\r\n\r\n");
    if (end !== -1) {
      const declared = /\r\ncontent-length: *(\d+)\r\n/i.exec(text.slice(0, end + 4));
      const sent = text.slice(end + 4);
      assert.ok(!sent.includes("HTTP/1.1 "), `${path}: no answer after the cut one`);
      assert.ok(content.startsWith(sent), `${path}: only the content's own octets`);
      if (declared !== null) {
        assert.ok(sent.length < Number(declared[1]), `${path}: Content-Length not met`);
      } else assert.ok(!sent.endsWith("0\r\n\r\n"), `${path}: no last chunk`);
    }
  } finally {
    c.destroy();
  }
  const [after] = await exchange(server, req("GET", "/ok"), 1);
  assert.equal(after?.body, "ok", `${path}: a new connection works`);
}

/**
 * Checks that GET and HEAD `path`, each pipelined before GET /ok, get the
 * 500 a throwing handler gets (RFC 9110 §15.6.1; HEAD the same head without
 * the content, §9.3.2), that `onError` is told once each with an error
 * whose message holds every one of `told`, and that the connection stays
 * usable.
 */
export async function checkFailed(
  server: TetherServer,
  errors: unknown[],
  path: string,
  told: readonly string[],
): Promise<void> {
  for (const method of ["GET", "HEAD"]) {
    errors.length = 0;
    const c = new RawClient(server.port);
    try {
      await c.send(req(method, path) + req("GET", "/ok"));
      await c.until(
        (cl) =>
          cl.end !== "open" ||
          ((cl.text().match(/HTTP\/1\.1 /g) ?? []).length >= 2 && cl.text().endsWith("ok")),
      );
      const text = c.text();
      const at = text.indexOf("HTTP/1.1 ", 1);
      assert.ok(
        at > 0,
        `${method} ${path}: answered, then GET /ok answered (${JSON.stringify(text)})`,
      );
      const failed = text.slice(0, at);
      const [status, ...lines] = failed.slice(0, failed.indexOf("\r\n\r\n")).split("\r\n");
      assert.equal(status, "HTTP/1.1 500 Internal Server Error", `${method} ${path}`);
      const length = lines.find((l) => /^content-length:/i.test(l));
      assert.equal(
        length?.replace(/^[^:]*: */, ""),
        "22",
        `${method} ${path}: the 500's own length`,
      );
      const content = failed.slice(failed.indexOf("\r\n\r\n") + 4);
      assert.equal(
        content,
        method === "HEAD" ? "" : "Internal Server Error\n",
        `${method} ${path}`,
      );
      const [after] = parseResponses(text.slice(at));
      assert.equal(after?.body, "ok", `${method} ${path}: the connection stays usable`);
    } finally {
      c.destroy();
    }
    assert.equal(errors.length, 1, `${method} ${path}: onError told once`);
    const message = String((errors[0] as Error | undefined)?.message);
    for (const part of told) assert.ok(message.includes(part), `${path}: ${message} names ${part}`);
  }
}
