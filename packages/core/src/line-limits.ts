/**
 * When a line breaks a length limit: its own (a start-line, a field line)
 * or that of the section it belongs to (the field section, the trailer
 * section). The verdict must not depend on how the octets were chunked, so
 * each limit counts as broken at the first octet after which no ending of
 * the line could keep it, and the limit broken first wins, the line's own
 * on a tie. A limit broken wins over any error in the line's content
 * (head-reader.ts, trailer-section.ts; the one exception is a request-line's
 * method, request-line.ts). The errors carry the status a server answers
 * (RFC 9112 §3: 414; RFC 6585 §5: 431).
 */
import { ProtocolError } from "./errors.ts";

/** A position no line reaches: the limit is not broken. */
export const NEVER = Number.POSITIVE_INFINITY;

/** {@link brokenLimit}: no limit is broken. */
export const NO_LIMIT = 0;
/** {@link brokenLimit}: the line's own limit is broken (first, or on a tie). */
export const LINE_LIMIT = 1;
/** {@link brokenLimit}: the section's limit is broken first. */
export const SECTION_LIMIT = 2;

/**
 * Which limit the line at `ls` breaks. Its octets run without LF up to
 * `stop`, where its LF is when it is complete; `contentEnd` is where its
 * content ends (terminator excluded), or -1 while it is incomplete.
 * `lineMax` is the line's own limit; `sectionAt` is the first position
 * past what the section allows ({@link NEVER} for a line in no section).
 */
export function brokenLimit(
  ls: number,
  stop: number,
  contentEnd: number,
  lineMax: number,
  sectionAt: number,
): number {
  const complete = contentEnd >= 0;
  // Past `lineMax` octets one more may still be the CR of the terminator.
  let lineAt = ls + lineMax + 2;
  if (lineAt > stop) lineAt = complete && contentEnd - ls > lineMax ? stop + 1 : NEVER;
  // The section may run up to and including the LF of a complete line.
  const sectionBroken = sectionAt <= (complete ? stop + 1 : stop);
  if (lineAt === NEVER && !sectionBroken) return NO_LIMIT;
  return sectionBroken && lineAt > sectionAt ? SECTION_LIMIT : LINE_LIMIT;
}

/** A start-line longer than `max` octets (RFC 9112 §3: 414 for a request). */
export function startLineTooLong(request: boolean, max: number): ProtocolError {
  return request
    ? new ProtocolError(
        "REQUEST_LINE_TOO_LONG",
        `request-line longer than ${max} octets (RFC 9112 §3: 414)`,
        0,
      )
    : new ProtocolError("STATUS_LINE_TOO_LONG", `status-line longer than ${max} octets`, 0);
}

/** A field line longer than `max` octets, at `offset` (RFC 6585 §5: 431). */
export function fieldTooLarge(max: number, offset: number): ProtocolError {
  return new ProtocolError(
    "FIELD_TOO_LARGE",
    `a field line is longer than ${max} octets (RFC 6585 §5: 431)`,
    offset,
  );
}

/** A field section larger than `max` octets, starting at `offset` (RFC 6585 §5: 431). */
export function headersTooLarge(max: number, offset: number): ProtocolError {
  return new ProtocolError(
    "HEADERS_TOO_LARGE",
    `the field section is larger than ${max} octets (RFC 6585 §5: 431)`,
    offset,
  );
}
