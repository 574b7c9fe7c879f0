/**
 * Tether's `MessageParser`, loaded dynamically so the benchmark still runs
 * (with an empty column) while the parser is unavailable or broken.
 */
import type { Fields } from "../../src/fields.ts";
import type { ParseEvent } from "../../src/message.ts";
import type { BenchCase } from "../cases.ts";
import { type Contender, latin1, type RecordedMessage, type Runner } from "./types.ts";

/** The part of the `MessageParser` contract the benchmark uses. */
interface TetherParser {
  feed(bytes: Uint8Array): unknown;
  next(): ParseEvent | null;
  expectResponse(method: string): unknown;
}

type Decoder = (bytes: Uint8Array, start: number, end: number) => string;

type TetherParserClass = new (options: {
  kind: "request" | "response";
  decodeLatin1?: Decoder;
}) => TetherParser;

/**
 * The decoder the Node adapter gives core (`Buffer#latin1Slice`, see
 * packages/node/src/socket-layer.ts), so the benchmark measures what runs
 * in production on Node; core's portable decoder when it is absent.
 */
const latin1Slice = (
  globalThis as { Buffer?: { prototype: { latin1Slice?: (start: number, end: number) => string } } }
).Buffer?.prototype.latin1Slice;
const nodeDecoder: Decoder | undefined =
  latin1Slice === undefined ? undefined : (b, s, e) => latin1Slice.call(b, s, e);
const parserOptions = (kind: "request" | "response") =>
  nodeDecoder === undefined ? { kind } : { kind, decodeLatin1: nodeDecoder };

function unexpected(ev: ParseEvent): Error {
  if (ev.type === "error") return new Error(`tether: error event: ${ev.error.message}`);
  return new Error(`tether: unexpected ${ev.type} event`);
}

/** The contender for a given `MessageParser` class (exported for A/B runs of two parser builds). */
export function contender(MessageParser: TetherParserClass): Contender {
  return {
    name: "tether",

    runner(c: BenchCase): Runner {
      const parser = new MessageParser(parserOptions(c.kind));
      const request = c.kind === "request";
      const perBuffer = c.messages;
      const input = c.input;
      let messages = 0;
      let sum = 0;
      let bytes = 0;
      let touched = 0;
      return {
        run(iterations) {
          for (let i = 0; i < iterations; i++) {
            // A client announces each request it sent (RFC 9112 §6.3 item 1 needs the method).
            if (!request) for (let m = 0; m < perBuffer; m++) parser.expectResponse("GET");
            parser.feed(input);
            for (let ev = parser.next(); ev !== null; ev = parser.next()) {
              switch (ev.type) {
                case "request": {
                  const head = ev.head;
                  let s = head.method.length + head.target.length;
                  const raw = head.fields.raw;
                  for (let j = 0; j < raw.length; j++) s += (raw[j] as string).length;
                  sum += s;
                  break;
                }
                case "response": {
                  const head = ev.head;
                  let s = head.status + head.reason.length;
                  const raw = head.fields.raw;
                  for (let j = 0; j < raw.length; j++) s += (raw[j] as string).length;
                  sum += s;
                  break;
                }
                case "data":
                  bytes += ev.data.length;
                  touched ^= ev.data[0] as number;
                  break;
                case "end":
                  if (ev.trailers !== null) {
                    const raw = ev.trailers.raw;
                    for (let j = 0; j < raw.length; j++) sum += (raw[j] as string).length;
                  }
                  messages++;
                  break;
                default:
                  throw unexpected(ev);
              }
            }
          }
        },
        digest: () => `${messages} messages, strings ${sum}, body ${bytes} B`,
        sink: () => touched,
      };
    },

    record(c: BenchCase): RecordedMessage[] {
      const parser = new MessageParser(parserOptions(c.kind));
      if (c.kind === "response") for (let m = 0; m < c.messages; m++) parser.expectResponse("GET");
      parser.feed(c.input);
      const out: RecordedMessage[] = [];
      let current: Omit<RecordedMessage, "body"> | null = null;
      let pieces: Uint8Array[] = [];
      const flat = (fields: Fields): string[] => fields.raw.slice();
      for (let ev = parser.next(); ev !== null; ev = parser.next()) {
        if (ev.type === "request") {
          const h = ev.head;
          current = {
            method: h.method,
            target: h.target,
            status: null,
            reason: null,
            fields: flat(h.fields),
          };
          pieces = [];
        } else if (ev.type === "response") {
          const h = ev.head;
          current = {
            method: null,
            target: null,
            status: h.status,
            reason: h.reason,
            fields: flat(h.fields),
          };
          pieces = [];
        } else if (ev.type === "data") {
          pieces.push(new Uint8Array(ev.data));
        } else if (ev.type === "end") {
          if (current === null) throw new Error("tether: end event without a head");
          out.push({ ...current, body: latin1(pieces) });
          current = null;
        } else {
          throw unexpected(ev);
        }
      }
      return out;
    },
  };
}

/**
 * Loads Tether's parser from `src/parser.ts`. Returns the contender, or the
 * reason it is not available (not exported yet, or failing a one-message probe).
 */
export async function loadTether(): Promise<Contender | string> {
  const specifier = "../../src/parser.ts";
  let mod: Record<string, unknown>;
  try {
    mod = await import(specifier);
  } catch (e) {
    return `cannot import src/parser.ts: ${(e as Error).message}`;
  }
  const MessageParser = mod.MessageParser;
  if (typeof MessageParser !== "function") return "src/parser.ts does not export MessageParser yet";
  const tether = contender(MessageParser as TetherParserClass);
  try {
    const probe = new (MessageParser as TetherParserClass)({ kind: "request" });
    probe.feed(Uint8Array.from("GET / HTTP/1.1\r\nHost: a\r\n\r\n", (ch) => ch.charCodeAt(0)));
    const ev = probe.next();
    if (ev === null || ev.type !== "request") {
      return `probe request gave ${ev === null ? "null" : `a ${ev.type} event`}`;
    }
  } catch (e) {
    return `probe failed: ${(e as Error).message}`;
  }
  return tether;
}
