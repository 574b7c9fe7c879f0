/**
 * Drives a {@link MessageParser} over a case's input and records what it
 * produced, in a form that can be compared with llhttp's expectations.
 */
import type { ProtocolError, ProtocolErrorCode } from "../../src/errors.ts";
import type { Fields } from "../../src/fields.ts";
import type { BodyFraming, ParseEvent } from "../../src/message.ts";
import { MessageParser, type ParserState } from "../../src/parser.ts";

/** One message as our parser reported it. */
export interface OurMessage {
  readonly method?: string;
  readonly target?: string;
  readonly status?: number;
  readonly reason?: string;
  readonly minor: number;
  readonly framing: BodyFraming;
  headers: [string, string][];
  /** Body octets (latin1). */
  body: string;
  trailers: [string, string][] | null;
  /** An `end` event was seen (or the head was an interim 1xx). */
  complete: boolean;
  readonly interim: boolean;
  /** A `switched` event followed the head, or the parser waited in `awaiting-switch` after it. */
  switched: boolean;
}

/** Everything our parser produced for one input. */
export interface OurOutcome {
  readonly messages: OurMessage[];
  readonly error: ProtocolError | null;
  readonly state: ParserState;
  /** Octets that belong to the new protocol after a switch (latin1). */
  readonly rest: string | null;
}

/** How to run the parser. */
export interface RunOptions {
  readonly kind: "request" | "response";
  readonly lenientLineEndings: boolean;
  /** Feed everything at once, or one octet at a time. */
  readonly feed: "whole" | "octets";
  /** Call `end()` after the input (llhttp's `llhttp_finish`). */
  readonly end: boolean;
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function pairs(fields: Fields | null): [string, string][] | null {
  return fields === null ? null : fields.toJSON();
}

/** Runs the parser over `input` and collects every event. */
export function runParser(input: Uint8Array, options: RunOptions): OurOutcome {
  const parser = new MessageParser({
    kind: options.kind,
    lenientLineEndings: options.lenientLineEndings,
  });
  const messages: OurMessage[] = [];
  let error: ProtocolError | null = null;
  let rest: string | null = null;

  const apply = (ev: ParseEvent): void => {
    const cur = messages[messages.length - 1];
    switch (ev.type) {
      case "request":
        messages.push({
          method: ev.head.method,
          target: ev.head.target,
          minor: ev.head.minor,
          framing: ev.framing,
          headers: ev.head.fields.toJSON(),
          body: "",
          trailers: null,
          complete: false,
          interim: false,
          switched: false,
        });
        break;
      case "response":
        messages.push({
          status: ev.head.status,
          reason: ev.head.reason,
          minor: ev.head.minor,
          framing: ev.framing,
          headers: ev.head.fields.toJSON(),
          body: "",
          trailers: null,
          complete: ev.interim,
          interim: ev.interim,
          switched: false,
        });
        break;
      case "data":
        if (cur === undefined) throw new Error("data event before any head");
        cur.body += latin1(ev.data);
        break;
      case "end":
        if (cur === undefined) throw new Error("end event before any head");
        cur.complete = true;
        cur.trailers = pairs(ev.trailers);
        break;
      case "switched":
        if (cur === undefined) throw new Error("switched event before any head");
        cur.switched = true;
        rest = latin1(ev.rest);
        break;
      case "error":
        error = ev.error;
        break;
    }
  };

  const drain = (): void => {
    for (let ev = parser.next(); ev !== null; ev = parser.next()) apply(ev);
  };

  if (options.feed === "whole") {
    parser.feed(input);
    drain();
  } else {
    for (let i = 0; i < input.length; i++) {
      if (parser.state === "switched") {
        // The parser takes nothing after a switch; the rest is the new protocol's.
        rest = (rest ?? "") + latin1(input.subarray(i));
        break;
      }
      parser.feed(input.subarray(i, i + 1));
      drain();
    }
  }
  if (parser.state === "awaiting-switch") {
    const cur = messages[messages.length - 1];
    if (cur !== undefined) cur.switched = true;
    rest = latin1(parser.takeRest());
  }
  if (options.end && parser.state !== "switched") {
    parser.end();
    drain();
  }
  return { messages, error, state: parser.state, rest };
}

/** A compact, comparable summary of an outcome (for the octet-by-octet check). */
export function summary(o: OurOutcome): unknown {
  const code: ProtocolErrorCode | null = o.error === null ? null : o.error.code;
  return { messages: o.messages, error: code, state: o.state, rest: o.rest };
}
