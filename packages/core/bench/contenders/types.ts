/**
 * What every contender implements. Each contender does the same work per
 * message: method and target (or status and reason) as strings, every field
 * name and value as strings, every body byte counted and each body piece
 * touched.
 */
import type { BenchCase } from "../cases.ts";

/** One parsed message, for the cross-check before timing. */
export interface RecordedMessage {
  /** Request method, or `null` for a response. */
  readonly method: string | null;
  /** Request-target, or `null` for a response. */
  readonly target: string | null;
  /** Status code, or `null` for a request. */
  readonly status: number | null;
  /** Reason phrase, or `null` for a request. */
  readonly reason: string | null;
  /** Flat `[name, value, …]` as received. */
  readonly fields: readonly string[];
  /** The de-chunked body, decoded as latin1. */
  readonly body: string;
}

/** A parser bound to one case, fed the case's buffer once per iteration. */
export interface Runner {
  /** Feeds the case's buffer `iterations` times, consuming every message. */
  run(iterations: number): void;
  /**
   * Totals so far: messages completed, a sum over the lengths of every string
   * taken from the heads (status codes added as numbers), and body bytes.
   * Equal across contenders for the same iterations.
   */
  digest(): string;
  /** A value that depends on every touched body byte (kept so the work is not optimised away). */
  sink(): number;
}

/** A parser under test. */
export interface Contender {
  /** Column name in the report. */
  readonly name: string;
  /** A fresh parser bound to `c`. */
  runner(c: BenchCase): Runner;
  /** Parses `c.input` once with a fresh parser and returns what it saw. */
  record(c: BenchCase): RecordedMessage[];
}

/** Latin1 text of some bytes (for recorded bodies). */
export function latin1(pieces: readonly Uint8Array[]): string {
  let out = "";
  for (const piece of pieces) {
    for (let i = 0; i < piece.length; i++) out += String.fromCharCode(piece[i] as number);
  }
  return out;
}
