/**
 * Persistent reuse and retirement: reuse an idle persistent connection
 * (most recently used first) before opening one; retire it after a number
 * of requests (ours, or the server's `Keep-Alive: max`) and after an idle
 * timeout bounded by the server's `Keep-Alive: timeout` minus a margin.
 * HTTP/1.0 servers keep a connection only when they say so.
 */
import type { Scenario } from "../scenario.ts";
import { bodyOf, get, reply } from "./build.ts";

export const REUSE_SCENARIOS: readonly Scenario[] = [
  {
    name: "persistent reuse: an idle persistent connection is reused before a new one is opened",
    rule: "issue #3, RFC 9112 §9.3: HTTP/1.1 connections persist by default",
    client: [get("a", 0), get("b", 100)],
    expect: {
      connectionsOpened: 1,
      results: {
        a: { status: 200, reused: false },
        b: { status: 200, body: bodyOf("/b"), reused: true },
      },
    },
  },
  {
    name: "persistent reuse: the most recently used idle connection is taken first",
    rule: "issue #3: reuse an idle persistent connection, most recently used first; RFC 9112 §9.3",
    server: {
      connections: [{ serve: { delayMs: 5 } }, { serve: { delayMs: 30 } }],
    },
    client: [get("fast", 0), get("slow", 0), get("next", 100)],
    expect: {
      connectionsOpened: 2,
      // `slow` finished last, on the second connection: `next` goes there.
      results: {
        fast: { status: 200 },
        slow: { status: 200 },
        next: { status: 200, reused: true },
      },
      serverReceived: ["GET /fast", "GET /slow", "GET /next"],
    },
  },
  {
    name: "retirement: after maxRequestsPerConnection the connection closes; its last request says Connection: close",
    rule: "issue #3: retire a connection after a maximum number of requests; RFC 9112 §9.6",
    pool: { maxRequestsPerConnection: 2 },
    server: {
      connections: [
        {
          steps: [
            { read: { headers: { connection: null } } },
            reply("one"),
            { read: { headers: { connection: "close" } } },
            reply("two", [["Connection", "close"]]),
            { fin: true },
          ],
        },
      ],
    },
    client: [get("a", 0), get("b", 100), get("c", 200)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["max-requests", "idle-timeout"],
      results: {
        a: { status: 200, body: "one" },
        b: { status: 200, body: "two", reused: true },
        c: { status: 200, reused: false },
      },
    },
  },
  {
    name: "retirement: the server's Keep-Alive max limits the requests sent on a connection",
    rule: "issue #3: retire a connection after the server's Keep-Alive: max; RFC 9112 §9.6",
    server: { otherwise: { serve: { keepAliveHeader: "timeout=60, max=1" } } },
    client: [get("a", 0), get("b", 100), get("c", 200)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["max-requests", "idle-timeout"],
      results: {
        a: { status: 200 },
        b: { status: 200, reused: true },
        c: { status: 200, reused: false },
      },
    },
  },
  {
    name: "idle timeout: our idleTimeoutMs retires an idle connection",
    rule: "issue #3: retire a connection after an idle timeout (our setting); RFC 9112 §9.5",
    pool: { idleTimeoutMs: 1000 },
    client: [get("a", 0), get("b", 2000)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["idle-timeout", "idle-timeout"],
      results: { a: { status: 200 }, b: { status: 200, reused: false } },
    },
  },
  {
    name: "idle timeout: the server's Keep-Alive timeout minus the safety margin bounds ours, so we never send as it closes",
    rule: "issue #3: our idle timeout, bounded by the server's Keep-Alive: timeout hint minus a safety margin; RFC 9112 §9.5",
    // The server closes idle connections after 2 s and says so; we stop reusing after 1 s.
    server: { otherwise: { serve: { keepAliveHeader: "timeout=2", idleTimeoutMs: 2000 } } },
    client: [get("a", 0), get("b", 500), get("c", 2002)],
    expect: {
      connectionsOpened: 2,
      results: {
        a: { status: 200 },
        b: { status: 200, reused: true },
        c: { status: 200, reused: false, attempts: 1 },
      },
    },
  },
  {
    name: "idle timeout: a Keep-Alive timeout no longer than the margin (timeout=1) means never reuse",
    rule: "keep-alive.ts clientIdleDeadline: a hint of at most the margin gives now (do not reuse); RFC 9112 §9.5",
    server: { otherwise: { serve: { keepAliveHeader: "timeout=1", idleTimeoutMs: 1000 } } },
    client: [get("a", 0), get("b", 100)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["idle-timeout", "idle-timeout"],
      results: { a: { status: 200 }, b: { status: 200, reused: false } },
    },
  },
  {
    name: "HTTP/1.0: requests ask with Connection: keep-alive, and the connection is kept when the response agrees",
    rule: "issue #3; RFC 9112 §9.3, Appendix C.2.2",
    pool: { http10: true },
    server: {
      otherwise: {
        steps: [
          { read: { headers: { connection: "keep-alive" } } },
          { write: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\none" },
          { read: { headers: { connection: "keep-alive" } } },
          { write: "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\ntwo" },
          { fin: true },
        ],
      },
    },
    client: [get("a", 0), get("b", 100)],
    expect: {
      connectionsOpened: 1,
      closeReasons: ["http10-without-keep-alive"],
      results: { a: { status: 200, body: "one" }, b: { status: 200, body: "two", reused: true } },
    },
  },
  {
    name: "HTTP/1.0: a response without keep-alive is not reused, even if the server keeps the socket open",
    rule: "issue #3: HTTP/1.0 servers keep the connection only if the response agrees (RFC 9112 §9.3)",
    server: {
      otherwise: {
        steps: [{ read: {} }, { write: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok" }],
      },
    },
    client: [get("a", 0), get("b", 100)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["http10-without-keep-alive", "http10-without-keep-alive"],
      results: { a: { status: 200, body: "ok" }, b: { status: 200, body: "ok", reused: false } },
    },
  },
];
