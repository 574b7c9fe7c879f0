/**
 * Where Tether deliberately parses differently from llhttp, case by case,
 * each with the RFC rule it follows (request and response cases in
 * differences-request.ts and differences-response.ts). The conformance runner
 * asserts what Tether does for these cases (`expect`), never skips them.
 *
 * Besides these per-case differences, {@link ADAPTATIONS} lists the rules the
 * runner applies to every case when it compares with llhttp.
 */
import type { Adaptation, Difference } from "./difference-types.ts";
import { REQUEST_DIFFERENCES } from "./differences-request.ts";
import { RESPONSE_DIFFERENCES } from "./differences-response.ts";

export type {
  Adaptation,
  Category,
  Difference,
  OurBehaviour,
  OurMessageSpec,
} from "./difference-types.ts";

/** Every listed difference. */
export const DIFFERENCES: readonly Difference[] = [...REQUEST_DIFFERENCES, ...RESPONSE_DIFFERENCES];

/** Rules the runner applies to every case. */
export const ADAPTATIONS: readonly Adaptation[] = [
  {
    id: "host",
    what:
      "An HTTP/1.1 request without Host is rejected (MISSING_HOST, 400); llhttp does not check Host. Request cases " +
      "whose HTTP/1.1 messages lack Host are run twice: as given (the runner asserts our parser never accepts " +
      "such a message, and rejects it with MISSING_HOST when it would otherwise accept it) and with " +
      '"Host: llhttp-conformance.test" inserted after each such request-line, which is compared with llhttp.',
    why: "RFC 9112 §3.2: a server MUST respond with 400 (Bad Request) to any HTTP/1.1 request message that lacks a Host header field.",
  },
  {
    id: "field-value-ows",
    what: "llhttp's value spans keep trailing whitespace; expected values are trimmed before comparing.",
    why: 'RFC 9112 §5: field-line = field-name ":" OWS field-value OWS — the OWS is not part of the value.',
  },
  {
    id: "obs-fold-spans",
    what: "A folded value (llhttp: several spans) is compared with every run of SP/HTAB collapsed to one SP, on both sides.",
    why: "RFC 9112 §5.2: a recipient that accepts obs-fold replaces each obs-fold with one or more SP before interpreting the value.",
  },
  {
    id: "chunk-extensions",
    what:
      "llhttp reports chunk extension names and values as spans; Tether checks their syntax and drops them, so the " +
      "spans are not compared (a malformed extension must still be rejected).",
    why: "RFC 9112 §7.1.1: a recipient MUST ignore unrecognized chunk extensions.",
  },
  {
    id: "pause",
    what:
      "pausing.md: llhttp's pause/resume steps are a callback-API feature with no protocol meaning (our pull API " +
      "pauses by not calling next()); the trace without its `pause` lines is compared.",
    why: "API, not protocol: no RFC rule is involved.",
  },
  {
    id: "finish",
    what:
      "finish.md: llhttp_finish() is our end(): 0 (safe) → no error and state closed; 1 (safe, with callbacks) → " +
      "the close-delimited message ends; 2 (unsafe) → INCOMPLETE_MESSAGE.",
    why: "RFC 9112 §8: a message whose framing is not complete when the connection closes is incomplete.",
  },
  {
    id: "upgrade-pause",
    what:
      'llhttp\'s "Pause on CONNECT/Upgrade" (error 22) is not an error: a request that asks to switch ends in our ' +
      "`awaiting-switch` state (takeRest() gives the rest); a 101 or a 2xx answer to CONNECT gives `switched`.",
    why: "RFC 9110 §7.8 (Upgrade), §9.3.6 (CONNECT).",
  },
];
