/**
 * The vocabulary of the documented differences with llhttp: their type, and
 * the syntax tests (RFC 9110, RFC 9112, RFC 3986) their predicates use.
 */
import { createRequire } from "node:module";
import type { ProtocolErrorCode } from "../../src/errors.ts";
import type { Category } from "../llhttp/differences.ts";
import type { Divergence, SeenMessage } from "./outcome.ts";

/** Why a disagreement is expected: the llhttp suite's categories and these. */
export type DifferentialCategory =
  | Category
  /** RFC 9112 §3.2: Host is required (HTTP/1.1), single and valid. */
  | "host"
  /** RFC 9112 §3.2.2–§3.2.4: which target form goes with which method. */
  | "target-form"
  /** RFC 9110 §2.5: HTTP/1.x with a higher minor version is read as 1.1. */
  | "minor-version"
  /** RFC 9110 §8.6: identical Content-Length values are one value. */
  | "duplicate-content-length"
  /** RFC 9112 §7.1.1: BWS around chunk-extension separators. */
  | "chunk-extension"
  /** RFC 9112 §3: one SP between the parts of the request-line. */
  | "request-line"
  /** RFC 9112 §5: whitespace around a field value is not part of it. */
  | "field-ows"
  /** RFC 9110 §6.5: trailer fields are kept apart from the header section. */
  | "trailer-fields"
  /** RFC 9110 §8.6, RFC 9112 §7.1: numbers beyond what we can count exactly. */
  | "limits";

/** One documented difference. */
export interface KnownDifference {
  readonly id: string;
  readonly category: DifferentialCategory;
  readonly kind: Divergence["kind"];
  /** What we do, in words. */
  readonly what: string;
  /** The rule we follow. */
  readonly why: string;
  /** Whether this difference explains the divergence (judged on the input as the other side read it). */
  readonly applies: (d: Divergence, input: string) => boolean;
  /** An input that shows the difference (asserted by the test). */
  readonly example: string;
  /** `stricter`: the codes we reject with (asserted). */
  readonly ours?: readonly ProtocolErrorCode[];
}

/** The method names llhttp knows (its method table, as Node exposes it). */
export const LLHTTP_METHODS = new Set(
  (createRequire(import.meta.url)("node:_http_common") as { methods: string[] }).methods,
);

export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 3986 §3.2.2 host (reg-name or IP-literal) and §3.2.3 port, as RFC 9112 §3.2 uses them for Host. */
export const HOST =
  /^(?:\[[0-9A-Za-z:.\-._~!$&'()*+,;=]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]*)?$/;
/** RFC 3986 §4.3: absolute-URI = scheme ":" hier-part [ "?" query ]. */
export const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+\-.]*:/;

export function fieldValues(m: SeenMessage | undefined, name: string): string[] {
  if (m === undefined) return [];
  return m.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** The octets of message `index` onwards cannot be split reliably; the whole input is searched. */
export const BWS_IN_EXTENSION =
  /\r\n[0-9A-Fa-f]+(?:[ \t]+;|[^\r\n]*;[ \t]|[^\r\n]*[ \t]=|[^\r\n]*=[ \t])/;
/** A chunk extension without a name (RFC 9112 §7.1.1: chunk-ext-name = token). */
export const EMPTY_EXTENSION_NAME = /\r\n[0-9A-Fa-f]+[^\r\n]*;[ \t]*(?:;|\r|=)/;
/** A bare CR or a bare LF anywhere (RFC 9112 §2.2). */
export const BARE_CR = /\r(?!\n)/;
export const BARE_LF = /(?<!\r)\n/;

/** RFC 9112 §3.2: the four forms a request-target can take. */
export function isTargetForm(target: string): boolean {
  return (
    target.startsWith("/") ||
    target === "*" ||
    ABSOLUTE_URI.test(target) ||
    /^[^/?#@]+:[0-9]*$/.test(target)
  );
}

export function contentLengths(m: SeenMessage | undefined): string[] {
  return fieldValues(m, "content-length").flatMap((v) => v.split(",").map((x) => x.trim()));
}
