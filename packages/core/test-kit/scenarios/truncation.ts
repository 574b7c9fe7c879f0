/**
 * Truncation: a close before Content-Length or the last chunk is an error
 * for the request (typed, with the octets expected and received), never a
 * short body delivered as complete; a read-until-close body ends on a clean
 * close only (RFC 9112 §6.3 item 8, §8).
 */
import type { Scenario } from "../scenario.ts";
import { chunked } from "../server-script.ts";
import { bodyOf, get } from "./build.ts";

export const TRUNCATION_SCENARIOS: readonly Scenario[] = [
  {
    name: "truncation: a close before Content-Length is complete is TRUNCATED_BODY with the octets expected and received",
    rule: "issue #3; RFC 9112 §8: a message shorter than its Content-Length is incomplete",
    server: {
      otherwise: {
        steps: [
          { read: {} },
          { write: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc" },
          { fin: true },
        ],
      },
    },
    client: [get("a", 0)],
    expect: {
      connectionsOpened: 1,
      results: {
        a: {
          status: 200,
          body: "abc",
          error: "TRUNCATED_BODY",
          expected: 10,
          received: 3,
          attempts: 1,
        },
      },
    },
  },
  {
    name: "truncation: a reset in the middle of a Content-Length body is TRUNCATED_BODY, not retried once the head was delivered",
    rule: "issue #3: typed error with bytes expected and received; retry.ts row 2",
    network: { faults: [{ kind: "reset", connection: 0, atByte: 150 }] },
    client: [get("a", 0, "/a?size=100")],
    expect: {
      connectionsOpened: 1,
      results: { a: { status: 200, error: "TRUNCATED_BODY", expected: 100, attempts: 1 } },
    },
  },
  {
    name: "truncation: a close before the last chunk is TRUNCATED_BODY",
    rule: "issue #3; RFC 9112 §7.1: a chunked body ends with the last-chunk",
    server: {
      otherwise: {
        steps: [
          { read: {} },
          {
            write: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(["hello"]).slice(0, 10)}`,
          },
          { fin: true },
        ],
      },
    },
    client: [get("a", 0)],
    expect: {
      results: { a: { status: 200, body: "hello", error: "TRUNCATED_BODY", received: 5 } },
    },
  },
  {
    name: "truncation: a read-until-close body ends on a clean close",
    rule: "issue #3: a read-until-close body ends on a clean close only (RFC 9112 §6.3 item 8)",
    server: { otherwise: { serve: { closeDelimited: true } } },
    client: [get("a", 0)],
    expect: {
      closeReasons: ["close-delimited-body"],
      results: { a: { status: 200, body: bodyOf("/a") } },
    },
  },
  {
    name: "truncation: a reset inside a read-until-close body is TRUNCATED_BODY, never a short complete body",
    rule: "issue #3: a read-until-close body ends on a clean close only",
    server: {
      otherwise: {
        steps: [{ read: {} }, { write: "HTTP/1.1 200 OK\r\n\r\npartial" }, { reset: true }],
      },
    },
    client: [get("a", 0)],
    expect: {
      results: { a: { status: 200, body: "partial", error: "TRUNCATED_BODY", received: 7 } },
    },
  },
  {
    name: "truncation: a server that lies in Content-Length (announces more, then stops) is TRUNCATED_BODY",
    rule: "issue #3: never a short body delivered as complete",
    server: {
      otherwise: {
        steps: [
          { read: {} },
          { write: "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nonly this" },
          { wait: 10 },
          { fin: true },
        ],
      },
    },
    client: [get("a", 0)],
    expect: { results: { a: { error: "TRUNCATED_BODY", expected: 5000, received: 9 } } },
  },
];
