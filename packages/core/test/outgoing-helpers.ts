/**
 * Shared helpers for the outgoing-side tests (serializer, body encoder,
 * framing choice). Not a test file itself.
 */
import { UsageError, type UsageErrorCode } from "../src/errors.ts";
import type { BodyFraming } from "../src/message.ts";

/** Octets → string, one code point per octet. */
export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Joins buffers into one. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The code of the UsageError `fn` throws, or "no error". */
export function usageCode(fn: () => unknown): UsageErrorCode | "no error" {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err.code;
    throw err;
  }
  return "no error";
}

export const LENGTH = (length: number): BodyFraming => ({ kind: "length", length });
export const NONE: BodyFraming = { kind: "none" };
export const CHUNKED: BodyFraming = { kind: "chunked" };
export const CLOSE: BodyFraming = { kind: "close" };
export const TUNNEL: BodyFraming = { kind: "tunnel" };
export const HOST: [string, string][] = [["Host", "example.com"]];
