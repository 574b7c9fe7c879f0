/**
 * One fuzz input and how it is run: the seed's kind decides the targets (a
 * request goes to the request parser and a ServerSession, a response to the
 * response parser and a ClientConnection), the case says how each target is
 * configured. The replay configurations used by the regression test are
 * here too.
 */
import { type ClientCase, checkClient, DEFAULT_CLIENT_PROGRAM } from "./client-oracle.ts";
import { behaviour, checkParser, type ParserCase } from "./parser-oracle.ts";
import { checkSession, DEFAULT_SESSION_PROGRAM, type SessionCase } from "./session-oracle.ts";
import type { TargetName } from "./violation.ts";

/** Which side of a connection an input is written for. */
export type InputKind = "request" | "response";

/** Everything needed to rerun one input exactly. */
export interface FuzzCase {
  readonly parser: ParserCase;
  readonly session: SessionCase;
  readonly client: ClientCase;
}

/** Runs `input` through the targets of its kind; throws a Violation. Returns a behaviour signature. */
export function checkInput(input: Uint8Array, kind: InputKind, c: FuzzCase): string {
  const run = checkParser(input, { ...c.parser, kind });
  if (kind === "request") checkSession(input, c.session);
  else checkClient(input, c.client);
  return `${kind[0]}${c.parser.smallLimits ? "s" : ""}${behaviour(run)}`;
}

/** Runs `input` through one target only (a crash's own target). */
export function checkTarget(input: Uint8Array, target: TargetName, c: FuzzCase): void {
  if (target === "request-parser") checkParser(input, { ...c.parser, kind: "request" });
  else if (target === "response-parser") checkParser(input, { ...c.parser, kind: "response" });
  else if (target === "server-session") checkSession(input, c.session);
  else checkClient(input, c.client);
}

const CUTS = [7, 19, 31, 64, 65];

function parserCase(kind: InputKind, over: Partial<ParserCase>): ParserCase {
  return {
    kind,
    lenient: false,
    methods: [],
    smallLimits: false,
    end: false,
    onSwitch: "take",
    cuts: CUTS,
    ...over,
  };
}

/**
 * The configurations every corpus file is replayed with: strict and lenient,
 * with and without EOF, small limits, both answers to a switch, and the
 * response methods that change framing (HEAD, CONNECT).
 */
export function replayCases(kind: InputKind): FuzzCase[] {
  const session: SessionCase = {
    cuts: CUTS,
    program: DEFAULT_SESSION_PROGRAM,
    errorResponses: "auto",
    smallLimits: false,
  };
  const client: ClientCase = { cuts: CUTS, program: DEFAULT_CLIENT_PROGRAM, smallLimits: false };
  const parsers: Partial<ParserCase>[] =
    kind === "request"
      ? [
          {},
          { end: true, onSwitch: "resume" },
          { lenient: true, end: true },
          { smallLimits: true, onSwitch: "resume" },
        ]
      : [
          { methods: ["GET", "GET", "GET", "GET"], end: true },
          { methods: ["HEAD", "GET", "GET"], lenient: true },
          { methods: ["CONNECT", "GET"], end: true },
          { smallLimits: true, end: true },
        ];
  return parsers.map((p, i) => ({
    parser: parserCase(kind, p),
    session: { ...session, errorResponses: i % 2 === 0 ? "auto" : "app", smallLimits: i === 3 },
    client: { ...client, smallLimits: i === 3 },
  }));
}
