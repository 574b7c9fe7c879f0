import { describe, expect, it } from "vitest";
import { mayPipeline, type PipelineConnection, type PipelineRequest } from "../src/pipelining.ts";

const GET: PipelineRequest = { method: "GET", version: "1.1", upgrade: false, stream: false };
const BUSY: PipelineConnection = {
  proven: true,
  serverVersion: "1.1",
  canSend: true,
  inFlight: [GET],
};

describe("mayPipeline: the table in pipelining.ts (RFC 9112 §9.3.2)", () => {
  const rows: [string, PipelineConnection, PipelineRequest, number, boolean][] = [
    ["row 1: depth 1 means pipelining is off", BUSY, GET, 1, false],
    [
      "row 2: nothing in flight is plain reuse, not pipelining",
      { ...BUSY, inFlight: [] },
      GET,
      3,
      false,
    ],
    [
      "row 3: never before the connection has proved persistent",
      { ...BUSY, proven: false },
      GET,
      3,
      false,
    ],
    ["row 4: not to an HTTP/1.0 server", { ...BUSY, serverVersion: "1.0" }, GET, 3, false],
    ["row 4: not an HTTP/1.0 request", BUSY, { ...GET, version: "1.0" }, 3, false],
    [
      "row 5: not while the connection cannot send (closing, or a body being written)",
      { ...BUSY, canSend: false },
      GET,
      3,
      false,
    ],
    [
      "row 6: the depth bounds the requests in flight",
      { ...BUSY, inFlight: [GET, GET, GET] },
      GET,
      3,
      false,
    ],
    ["row 7: RFC 9110 §9.2.2: only idempotent methods", BUSY, { ...GET, method: "POST" }, 3, false],
    ["row 8: RFC 9110 §7.8: not an upgrade", BUSY, { ...GET, upgrade: true }, 3, false],
    ["row 9: not a streamed body", BUSY, { ...GET, method: "PUT", stream: true }, 3, false],
    [
      "row 10: RFC 9112 §9.3.2: never behind a non-idempotent request",
      { ...BUSY, inFlight: [{ ...GET, method: "PATCH" }] },
      GET,
      3,
      false,
    ],
    [
      "row 10: never behind an upgrade",
      { ...BUSY, inFlight: [{ ...GET, upgrade: true }] },
      GET,
      3,
      false,
    ],
    [
      "row 10: never behind a streamed body",
      { ...BUSY, inFlight: [{ ...GET, method: "PUT", stream: true }] },
      GET,
      3,
      false,
    ],
    [
      "row 11: an idempotent request behind idempotent ones, within the depth",
      { ...BUSY, inFlight: [GET, { ...GET, method: "HEAD" }] },
      { ...GET, method: "PUT" },
      3,
      true,
    ],
  ];
  it.each(rows)("%s", (_name, connection, request, depth, want) => {
    expect(mayPipeline(connection, request, depth)).toBe(want);
  });
});
