/**
 * A response head read from the runtime's own field list (Deno's inner
 * record), response-fast-path.ts `headFromList`: the lines as given, framing
 * set aside, a Content-Type kept beside the list added, and a head made of
 * the same things as the last one shared rather than made again. Runs on
 * every runtime with plain arrays standing for the list.
 */
import { describe, expect, it } from "vitest";
import { headFromList } from "../src/response-fast-path.ts";

const response = {} as Response;
const none = () => null;
const plain = () => "text/plain";
const unknown = () => undefined;

describe("headFromList: a head from the runtime's field list", () => {
  it("RFC 9112 §6: keeps the lines as given, sets Content-Length aside and drops Transfer-Encoding", () => {
    const head = headFromList(
      [
        ["X-One", "1"],
        ["content-length", "5"],
        ["transfer-encoding", "chunked"],
        ["content-type", "text/html"],
      ],
      200,
      "OK",
      response,
      none,
    );
    expect(head).toEqual({
      status: 200,
      reason: "OK",
      fields: [
        ["X-One", "1"],
        ["content-type", "text/html"],
      ],
      declared: "5",
    });
  });

  it("RFC 9110 §8.3: a Content-Type kept beside the list is added; none when it cannot be told", () => {
    expect(headFromList([["x-a", "1"]], 200, "OK", response, plain)?.fields).toEqual([
      ["x-a", "1"],
      ["content-type", "text/plain"],
    ]);
    expect(headFromList([["x-a", "1"]], 200, "OK", response, unknown)).toBeNull();
    expect(headFromList([["x-a", 1]], 200, "OK", response, none)).toBeNull();
    expect(headFromList(["x-a"], 200, "OK", response, none)).toBeNull();
  });

  it("a head made of the same things as the last is that head, shared", () => {
    const a = headFromList([["content-type", "text/plain"]], 200, "OK", response, none);
    const b = headFromList([["content-type", "text/plain"]], 200, "OK", response, none);
    expect(b).toBe(a);
    const c = headFromList([["x-a", `${"1"}`]], 201, "Created", response, plain);
    expect(headFromList([["x-a", "1"]], 201, "Created", response, plain)).toBe(c);
  });

  it("any difference makes a new head, with its own lines", () => {
    const base = () => headFromList([["x-a", "1"]], 200, "OK", response, plain);
    const first = base();
    const changes = [
      headFromList([["x-a", "2"]], 200, "OK", response, plain),
      headFromList([["x-b", "1"]], 200, "OK", response, plain),
      headFromList([["x-a", "1"]], 201, "OK", response, plain),
      headFromList([["x-a", "1"]], 200, "Fine", response, plain),
      headFromList([["x-a", "1"]], 200, "OK", response, () => "text/html"),
      headFromList([["x-a", "1"]], 200, "OK", response, none),
      headFromList(
        [
          ["x-a", "1"],
          ["x-c", "3"],
        ],
        200,
        "OK",
        response,
        plain,
      ),
      headFromList([], 200, "OK", response, plain),
    ];
    expect(changes.map((h) => h?.fields)).toEqual([
      [
        ["x-a", "2"],
        ["content-type", "text/plain"],
      ],
      [
        ["x-b", "1"],
        ["content-type", "text/plain"],
      ],
      [
        ["x-a", "1"],
        ["content-type", "text/plain"],
      ],
      [
        ["x-a", "1"],
        ["content-type", "text/plain"],
      ],
      [
        ["x-a", "1"],
        ["content-type", "text/html"],
      ],
      [["x-a", "1"]],
      [
        ["x-a", "1"],
        ["x-c", "3"],
        ["content-type", "text/plain"],
      ],
      [["content-type", "text/plain"]],
    ]);
    expect(changes.map((h) => [h?.status, h?.reason])).toEqual([
      [200, "OK"],
      [200, "OK"],
      [201, "OK"],
      [200, "Fine"],
      [200, "OK"],
      [200, "OK"],
      [200, "OK"],
      [200, "OK"],
    ]);
    for (const h of changes) expect(h).not.toBe(first);
  });

  it("a list changed in place after its head was made gets a new head", () => {
    const list: [string, string][] = [["x-a", "1"]];
    const first = headFromList(list, 200, "OK", response, none);
    list[0] = ["x-a", "2"];
    const second = headFromList(list, 200, "OK", response, none);
    expect(second).not.toBe(first);
    expect(second?.fields).toEqual([["x-a", "2"]]);
    expect(first?.fields).toEqual([["x-a", "1"]]);
  });
});
