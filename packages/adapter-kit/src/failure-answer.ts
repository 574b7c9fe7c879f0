/**
 * The answer a server exchange gives when its handler fails before any of
 * its own answer was written (see `ServerExchange.fail`).
 */
import type { FieldInit } from "./response-writer.ts";
import { toBytes } from "./web.ts";

/** A complete answer: status, fields and content. */
export interface FailureAnswer {
  status: number;
  fields: FieldInit;
  content: Uint8Array;
}

/**
 * A 500 (RFC 9110 §15.6.1), or — when the request body broke the protocol
 * (`bodyError` is a ProtocolError, which carries a status) — that error's
 * status with `Connection: close`, so the client gets one answer.
 */
export function failureAnswer(bodyError: Error | null): FailureAnswer {
  const status = (bodyError as { status?: unknown } | null)?.status;
  if (typeof status === "number") {
    return {
      status,
      fields: [
        ["content-type", "text/plain"],
        ["connection", "close"],
      ],
      content: toBytes(`${bodyError?.message}\n`),
    };
  }
  return {
    status: 500,
    fields: [["content-type", "text/plain"]],
    content: toBytes("Internal Server Error\n"),
  };
}
