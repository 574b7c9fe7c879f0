/**
 * `get`: fetches URLs through one pooled client and prints one JSON line
 * per URL, in input order, then a summary line (see README.md).
 */
import type { ClientResponse, ClientStats, TetherClient } from "@tether/adapter-kit";
import type { GetCommand } from "./cli.ts";

/** The output line for a URL that got a response. */
export interface ResponseLine {
  readonly url: string;
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly bodyBytes: number;
  /** Lower-case hex SHA-256 of the (de-framed) body. */
  readonly bodySha256: string;
  readonly connection: number;
  readonly reused: boolean;
  readonly attempts: number;
}

/** The output line for a URL that got no response. */
export interface ErrorLine {
  readonly url: string;
  readonly error: { readonly code: string; readonly message: string };
  /** Attempts made, when the error says (`null` otherwise). */
  readonly attempts: number | null;
}

/** The part of a client `get` uses. */
export type GetClient = Pick<TetherClient, "request" | "stats">;

/** Options of {@link runGet} for tests: how to wait `--gap` ms. */
export interface GetHooks {
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `command` on `client`, printing each URL's line as soon as it and
 * every line before it are known, then the summary. Resolves with the exit
 * status: 0 when every URL got a response (whatever its status), 1 otherwise.
 */
export async function runGet(
  client: GetClient,
  command: GetCommand,
  print: (line: string) => void,
  hooks: GetHooks = {},
): Promise<number> {
  const sleep = hooks.sleep ?? defaultSleep;
  const urls = command.urls;
  const lines: (string | undefined)[] = new Array(urls.length);
  let printed = 0;
  let failed = 0;

  const fetchOne = async (index: number): Promise<void> => {
    const url = urls[index] as string;
    let line: string;
    try {
      const response = await client.request({
        url,
        method: command.method,
        headers: command.headers,
        body: command.data ?? null,
      });
      line = await formatResponse(url, response);
    } catch (error) {
      failed++;
      line = formatError(url, error);
    }
    lines[index] = line;
    // Input order: print every line that no earlier one holds back.
    for (let next = lines[printed]; next !== undefined; next = lines[printed]) {
      print(next);
      printed++;
    }
  };

  if (command.serial) {
    for (let i = 0; i < urls.length; i++) {
      if (i > 0 && command.gapMs > 0) await sleep(command.gapMs);
      await fetchOne(i);
    }
  } else {
    await Promise.all(urls.map((_, i) => fetchOne(i)));
  }
  print(formatSummary(client.stats()));
  return failed === 0 ? 0 : 1;
}

/** The JSON line for a response. */
export async function formatResponse(url: string, response: ClientResponse): Promise<string> {
  const raw = response.fields.raw;
  const headers: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i] as string, raw[i + 1] as string]);
  const line: ResponseLine = {
    url,
    status: response.status,
    headers,
    bodyBytes: response.body.length,
    bodySha256: await sha256Hex(response.body),
    connection: response.connection,
    reused: response.reused,
    attempts: response.attempts,
  };
  return JSON.stringify(line);
}

/**
 * The JSON line for a failed request. `code` is the error's own code when it
 * has one (core's ProtocolError codes, `ECONNREFUSED`…), else its name.
 */
export function formatError(url: string, error: unknown): string {
  const line: ErrorLine = {
    url,
    error: { code: errorCode(error), message: errorMessage(error) },
    attempts: attemptsOf(error),
  };
  return JSON.stringify(line);
}

/** The summary line. */
export function formatSummary(stats: ClientStats): string {
  const { requests, connectionsOpened, reused, retried, pipelined } = stats;
  return JSON.stringify({ summary: { requests, connectionsOpened, reused, retried, pipelined } });
}

/** Lower-case hex SHA-256, by the Web Crypto API (Node 20, Bun, Deno). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  let hex = "";
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

function errorCode(error: unknown): string {
  const own = stringProperty(error, "code");
  if (own !== null) return own;
  const cause = isObject(error) ? error.cause : undefined;
  const causeCode = stringProperty(cause, "code");
  if (causeCode !== null) return causeCode;
  return error instanceof Error ? error.name : "ERROR";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function stringProperty(value: unknown, key: string): string | null {
  if (!isObject(value)) return null;
  const property = value[key];
  return typeof property === "string" ? property : null;
}

/** Attempts made: a number, or core's `RequestError.attempts` record (`count`). */
function attemptsOf(error: unknown): number | null {
  if (!isObject(error)) return null;
  const attempts = error.attempts;
  if (typeof attempts === "number") return attempts;
  if (isObject(attempts) && typeof attempts.count === "number") return attempts.count;
  return null;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
