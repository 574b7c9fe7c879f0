/**
 * Reads llhttp's markdown test files (nodejs/llhttp `test/request/*.md`,
 * `test/response/*.md`, MIT): each case is a heading, a
 * `<!-- meta={...} -->` comment, an ```http block with the input and a
 * ```log block with the callback trace llhttp must produce.
 *
 * The escapes in the ```http block follow the rules of llhttp's own test
 * runner (`test/md-test.ts`), re-implemented here from their description:
 * the last newline of the block is dropped, a backslash at the end of a line
 * joins it to the next one, every remaining line break becomes CRLF, then
 * `\r \n \t \f`, `\xHEX…` and `\OOO` (1–3 octal digits) stand for those
 * characters, and `${…}` is JavaScript. The resulting string is sent as
 * UTF-8, so `\xff` becomes the two octets C3 BF (the traces' offsets show it).
 */

/** One case as found in the markdown, before its trace is interpreted. */
export interface RawCase {
  /** Heading text of the case. */
  readonly heading: string;
  /** 1-based line of the ```http block. */
  readonly line: number;
  readonly meta: Record<string, unknown>;
  /** Text of the ```http block: its lines joined with LF, plus a final LF. */
  readonly http: string;
  /** Lines of the ```log block. */
  readonly log: readonly string[];
}

const META = /^<!--\s*meta=(\{.*\})\s*-->\s*$/;
const HEADING = /^#{1,6}\s+(.*?)\s*$/;

/** Splits one markdown file into its cases, in order. */
export function parseMarkdown(text: string, file: string): RawCase[] {
  const lines = text.split(/\r?\n/);
  const out: RawCase[] = [];
  let heading = "";
  let meta: Record<string, unknown> | null = null;
  let http: { text: string; line: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const h = HEADING.exec(line);
    if (h !== null) {
      heading = h[1] as string;
      meta = null;
      http = null;
      continue;
    }
    const m = META.exec(line.trim());
    if (m !== null) {
      meta = JSON.parse(m[1] as string) as Record<string, unknown>;
      continue;
    }
    const fence = /^```(\w+)\s*$/.exec(line);
    if (fence === null) continue;
    const body: string[] = [];
    const start = i + 1;
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i] as string);
    if (i >= lines.length) throw new Error(`${file}:${start}: unterminated code block`);
    const lang = fence[1];
    if (lang === "http") {
      if (http !== null) throw new Error(`${file}:${start}: two http blocks under "${heading}"`);
      http = { text: body.length === 0 ? "" : `${body.join("\n")}\n`, line: start };
    } else if (lang === "log") {
      if (http === null || meta === null) {
        throw new Error(
          `${file}:${start}: log block without http block and meta under "${heading}"`,
        );
      }
      out.push({ heading, line: http.line, meta, http: http.text, log: body });
      http = null;
      meta = null;
    } else {
      throw new Error(`${file}:${start}: unexpected code block language "${lang}"`);
    }
  }
  return out;
}

/** `${…}` expressions that occur in the suite, evaluated without `eval`. */
function interpolate(code: string): string {
  // 'x'.repeat(N) and "x".repeat(N), the only forms llhttp's files use.
  const repeat = /^\s*(['"])(.*?)\1\.repeat\((\d+)\)\s*$/.exec(code);
  if (repeat !== null) return (repeat[2] as string).repeat(Number(repeat[3]));
  throw new Error(`unsupported \${${code}} in an http block: add it to interpolate()`);
}

/** The characters an ```http block stands for (before UTF-8 encoding). */
export function httpBlockText(block: string): string {
  let s = block.endsWith("\n") ? block.slice(0, -1) : block;
  // A backslash right before a line break removes both.
  s = s.replace(/\\(?:\r\n|\r|\n)/g, "");
  s = s.replace(/\r\n|\r|\n/g, "\r\n");
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== "\\" || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const next = s[i + 1] as string;
    const simple =
      next === "r" ? "\r" : next === "n" ? "\n" : next === "t" ? "\t" : next === "f" ? "\f" : null;
    if (simple !== null) {
      out += simple;
      i++;
      continue;
    }
    const hex = next === "x" ? /^[0-9a-fA-F]+/.exec(s.slice(i + 2)) : null;
    if (hex !== null) {
      out += String.fromCharCode(Number.parseInt(hex[0], 16));
      i += 1 + hex[0].length;
      continue;
    }
    const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1));
    if (oct !== null) {
      out += String.fromCharCode(Number.parseInt(oct[0], 8));
      i += oct[0].length;
      continue;
    }
    out += c;
  }
  return out.replace(/\$\{(.+?)\}/g, (_all, code: string) => interpolate(code));
}

/** The octets llhttp is fed for an ```http block. */
export function httpBlockBytes(block: string): Uint8Array {
  return new TextEncoder().encode(httpBlockText(block));
}
