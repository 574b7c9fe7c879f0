/**
 * Syntax rules for what *we* send (RFC 9110 §2.2: "a sender MUST NOT
 * generate protocol elements that do not match the grammar"). Anything that
 * breaks them is the caller's mistake, reported as a {@link UsageError};
 * a peer's bytes are never checked here. The octet classes are the
 * parser's (chars.ts), so what we send is exactly what we accept.
 */
import * as chars from "./chars.ts";
import { UsageError } from "./errors.ts";

// Module-local copies: some loaders (tsx, vite-node) turn imported bindings
// into property reads or getters, which would cost a call per octet below.
const TCHAR = chars.TCHAR;
const FIELD_VALUE = chars.FIELD_VALUE;
const TARGET = chars.TARGET;
const VALUE_ASCII = chars.VALUE_ASCII;
const VALUE_INVALID = chars.VALUE_INVALID;
const SP = chars.SP;
const HTAB = chars.HTAB;

/** Text breaks the grammar (a {@link TextClass}). */
export const INVALID = 0;
/** Text is valid and every code unit is ≤ 0x7F (a {@link TextClass}). */
export const ASCII = 1;
/** Text is valid and holds obs-text (0x80–0xFF), sent as single octets (a {@link TextClass}). */
export const LATIN1 = 2;
/** Result of {@link classifyFieldValue}: {@link INVALID}, {@link ASCII} or {@link LATIN1}. */
export type TextClass = typeof INVALID | typeof ASCII | typeof LATIN1;

/** RFC 9110 §5.6.2: `token = 1*tchar`. */
export function isToken(text: string): boolean {
  if (typeof text !== "string" || text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    if (TCHAR[text.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/**
 * Classifies a field value against RFC 9110 §5.5:
 *
 *     field-value   = *field-content
 *     field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
 *     field-vchar   = VCHAR / obs-text
 *
 * So: no CR, LF, NUL or other CTL (HTAB aside), no DEL, nothing above 0xFF
 * (it could not be sent as one octet), and no leading or trailing SP or
 * HTAB (a recipient strips them as OWS, RFC 9112 §5, so they could not
 * arrive anyway). The empty value is valid.
 */
export function classifyFieldValue(value: string): TextClass {
  const n = value.length;
  if (n === 0) return ASCII;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  if (first === SP || first === HTAB || last === SP || last === HTAB) return INVALID;
  return classifyText(value);
}

/**
 * RFC 9112 §4: `reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )`; the
 * phrase is optional, so the empty string is valid too.
 */
export function classifyReasonPhrase(reason: string): TextClass {
  return typeof reason === "string" ? classifyText(reason) : INVALID;
}

/** Every code unit is HTAB, SP, VCHAR or obs-text. */
function classifyText(text: string): TextClass {
  let cls: TextClass = ASCII;
  for (let i = 0; i < text.length; i++) {
    // Code units above 0xFF index past the table: `undefined`, so invalid.
    const c = FIELD_VALUE[text.charCodeAt(i)];
    if (c === VALUE_ASCII) continue;
    if (c === undefined || c === VALUE_INVALID) return INVALID;
    cls = LATIN1;
  }
  return cls;
}

/**
 * A request-target as sent (RFC 9112 §3.2): non-empty visible US-ASCII
 * (every form is built from URI characters, RFC 3986), so no SP, no CTL,
 * no DEL and no octet ≥ 0x80 — percent-encode those.
 */
export function isRequestTarget(target: string): boolean {
  if (typeof target !== "string" || target.length === 0) return false;
  for (let i = 0; i < target.length; i++) {
    if (TARGET[target.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/** Throws unless `name` is a valid field name (RFC 9110 §5.1: `field-name = token`). */
export function assertFieldName(name: string): void {
  if (!isToken(name)) {
    throw new UsageError(
      "INVALID_OUTGOING_FIELD",
      `invalid field name ${JSON.stringify(String(name))}`,
    );
  }
}

/**
 * Throws unless `value` is a valid field value (RFC 9110 §5.5); returns its
 * class otherwise.
 */
export function assertFieldValue(name: string, value: string): typeof ASCII | typeof LATIN1 {
  const cls = typeof value === "string" ? classifyFieldValue(value) : INVALID;
  if (cls === INVALID) {
    throw new UsageError(
      "INVALID_OUTGOING_FIELD",
      `invalid value for field ${JSON.stringify(name)}: ${JSON.stringify(String(value))}`,
    );
  }
  return cls;
}
