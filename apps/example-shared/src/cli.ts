/**
 * Command-line parsing for the example app: `serve`, `get` and `proxy`
 * (see README.md for the contract). Parsing is pure — argv in, a typed
 * command out — and every mistake is a {@link CliUsageError}, which the
 * entry point turns into exit status 2.
 */

/** `serve`: the example server. */
export interface ServeCommand {
  readonly kind: "serve";
  readonly port: number;
  readonly host: string;
  readonly keepAliveTimeoutMs: number | undefined;
  readonly maxRequests: number | undefined;
  readonly advertiseKeepAlive: boolean;
  readonly maxConnectionsPerClient: number | undefined;
  /** `--tls-cert`/`--tls-key`: serve HTTPS with this certificate chain and key (PEM files). */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
}

/** `get`: fetches URLs through one pooled client. */
export interface GetCommand {
  readonly kind: "get";
  readonly urls: readonly string[];
  readonly connections: number | undefined;
  readonly pipelining: number | undefined;
  readonly method: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly data: string | undefined;
  readonly retries: number | undefined;
  readonly serial: boolean;
  readonly gapMs: number;
  readonly http10: boolean;
  readonly proxy: string | undefined;
  /** `--ca`: a PEM file of CA certificates trusted for https URLs (instead of the system's). */
  readonly caFile: string | undefined;
}

/** `proxy`: a reverse proxy in front of `upstream`. */
export interface ProxyCommand {
  readonly kind: "proxy";
  readonly port: number;
  readonly host: string;
  /** The upstream origin, e.g. `http://127.0.0.1:8080`. */
  readonly upstream: string;
}

/** `help`, `--help` or `-h`. */
export interface HelpCommand {
  readonly kind: "help";
}

/** A parsed command line. */
export type Command = ServeCommand | GetCommand | ProxyCommand | HelpCommand;

/** A command line that cannot be run; the message says why. */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

/** The usage text, printed with every usage error and for `help`. */
export const USAGE = `usage:
  serve [--port N] [--host H] [--keep-alive-timeout MS] [--max-requests N]
        [--advertise-keep-alive] [--max-connections-per-client N]
        [--tls-cert FILE --tls-key FILE]
  get URL... [--connections N] [--pipelining D] [--method M] [--header 'N: v']...
        [--data S] [--retries N] [--serial] [--gap MS] [--http1.0] [--proxy URL]
        [--ca FILE]
  proxy [--port N] [--host H] --upstream URL`;

/** Default interface: loopback, so the example never listens on the network by accident. */
const DEFAULT_HOST = "127.0.0.1";

/** RFC 9110 §5.1: a field name is a token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses `argv` (the arguments after the program name). Throws {@link CliUsageError}. */
export function parseArguments(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  switch (name) {
    case "serve":
      return parseServe(new ArgReader(rest));
    case "get":
      return parseGet(new ArgReader(rest));
    case "proxy":
      return parseProxy(new ArgReader(rest));
    case "help":
    case "--help":
    case "-h":
      return { kind: "help" };
    case undefined:
      throw new CliUsageError("missing command (serve, get or proxy)");
    default:
      throw new CliUsageError(`unknown command '${name}' (serve, get or proxy)`);
  }
}

function parseServe(args: ArgReader): ServeCommand | HelpCommand {
  let port = 0;
  let host = DEFAULT_HOST;
  let keepAliveTimeoutMs: number | undefined;
  let maxRequests: number | undefined;
  let advertiseKeepAlive = false;
  let maxConnectionsPerClient: number | undefined;
  let certFile: string | undefined;
  let keyFile: string | undefined;
  for (let arg = args.next(); arg !== undefined; arg = args.next()) {
    switch (arg) {
      case "--port":
        port = args.port(arg);
        break;
      case "--tls-cert":
        certFile = args.file(arg);
        break;
      case "--tls-key":
        keyFile = args.file(arg);
        break;
      case "--host":
        host = args.host(arg);
        break;
      case "--keep-alive-timeout":
        keepAliveTimeoutMs = args.integer(arg, 0);
        break;
      case "--max-requests":
        maxRequests = args.integer(arg, 1);
        break;
      case "--advertise-keep-alive":
        args.flag(arg);
        advertiseKeepAlive = true;
        break;
      case "--max-connections-per-client":
        maxConnectionsPerClient = args.integer(arg, 1);
        break;
      case "--help":
      case "-h":
        return { kind: "help" };
      default:
        throw args.unexpected(arg, "serve");
    }
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new CliUsageError("serve: --tls-cert and --tls-key go together");
  }
  return {
    kind: "serve",
    port,
    host,
    keepAliveTimeoutMs,
    maxRequests,
    advertiseKeepAlive,
    maxConnectionsPerClient,
    tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined,
  };
}

function parseGet(args: ArgReader): GetCommand | HelpCommand {
  const urls: string[] = [];
  const headers: (readonly [string, string])[] = [];
  let connections: number | undefined;
  let pipelining: number | undefined;
  let method: string | undefined;
  let data: string | undefined;
  let retries: number | undefined;
  let serial = false;
  let gapMs: number | undefined;
  let http10 = false;
  let proxy: string | undefined;
  let caFile: string | undefined;
  for (let arg = args.next(); arg !== undefined; arg = args.next()) {
    switch (arg) {
      case "--connections":
        connections = args.integer(arg, 1);
        break;
      case "--pipelining":
        pipelining = args.integer(arg, 1);
        break;
      case "--method":
        method = args.value(arg);
        if (!TOKEN.test(method)) throw new CliUsageError(`--method: '${method}' is not a token`);
        break;
      case "--header":
        headers.push(parseHeader(args.value(arg)));
        break;
      case "--data":
        data = args.value(arg);
        break;
      case "--retries":
        retries = args.integer(arg, 0);
        break;
      case "--serial":
        args.flag(arg);
        serial = true;
        break;
      case "--gap":
        gapMs = args.integer(arg, 0);
        break;
      case "--http1.0":
        args.flag(arg);
        http10 = true;
        break;
      case "--proxy":
        proxy = httpUrl(arg, args.value(arg)).origin;
        break;
      case "--ca":
        caFile = args.file(arg);
        break;
      case "--help":
      case "-h":
        return { kind: "help" };
      default:
        if (arg.startsWith("-")) throw args.unexpected(arg, "get");
        httpUrl("URL", arg, true);
        // Kept as given: the output names each URL the way the user wrote it.
        urls.push(arg);
    }
  }
  if (urls.length === 0) throw new CliUsageError("get: give at least one URL");
  return {
    kind: "get",
    urls,
    connections,
    pipelining,
    // Like curl: a body without a method means POST.
    method: method ?? (data === undefined ? "GET" : "POST"),
    headers,
    data,
    retries,
    // A gap only makes sense between requests made one after the other.
    serial: serial || gapMs !== undefined,
    gapMs: gapMs ?? 0,
    http10,
    proxy,
    caFile,
  };
}

function parseProxy(args: ArgReader): ProxyCommand | HelpCommand {
  let port = 0;
  let host = DEFAULT_HOST;
  let upstream: string | undefined;
  for (let arg = args.next(); arg !== undefined; arg = args.next()) {
    switch (arg) {
      case "--port":
        port = args.port(arg);
        break;
      case "--host":
        host = args.host(arg);
        break;
      case "--upstream": {
        const url = httpUrl(arg, args.value(arg));
        if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
          throw new CliUsageError(`--upstream: give an origin only, like http://host:port`);
        }
        upstream = url.origin;
        break;
      }
      case "--help":
      case "-h":
        return { kind: "help" };
      default:
        throw args.unexpected(arg, "proxy");
    }
  }
  if (upstream === undefined) throw new CliUsageError("proxy: --upstream URL is required");
  return { kind: "proxy", port, host, upstream };
}

/** `Name: value` → `[name, value]`, the value trimmed of surrounding whitespace (RFC 9110 §5.5). */
function parseHeader(text: string): readonly [string, string] {
  const colon = text.indexOf(":");
  const name = colon === -1 ? "" : text.slice(0, colon);
  if (!TOKEN.test(name)) {
    throw new CliUsageError(`--header: expected 'Name: value', got '${text}'`);
  }
  const value = text.slice(colon + 1).trim();
  // RFC 9110 §5.5: no CR, LF or NUL in a field value.
  if (/[\r\n\0]/.test(value)) throw new CliUsageError(`--header: CR, LF or NUL in '${name}'`);
  return [name, value];
}

/** An `http:` URL (or `https:` when `secure` is allowed), or a usage error naming `what`. */
function httpUrl(what: string, text: string, secure = false): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliUsageError(`${what}: '${text}' is not a URL`);
  }
  if (url.protocol !== "http:" && !(secure && url.protocol === "https:")) {
    const kinds = secure ? "an http: or https:" : "an http:";
    throw new CliUsageError(`${what}: '${text}' is not ${kinds} URL`);
  }
  return url;
}

/** Walks argv; options take their value from the next argument or after `=`. */
class ArgReader {
  private readonly args: readonly string[];
  private index = 0;
  /** The value of the current `--name=value` argument, if it had one. */
  private inline: string | undefined;

  constructor(args: readonly string[]) {
    this.args = args;
  }

  /** The next option name or operand, or `undefined` at the end. */
  next(): string | undefined {
    const arg = this.args[this.index++];
    this.inline = undefined;
    if (arg === undefined || !arg.startsWith("--")) return arg;
    const eq = arg.indexOf("=");
    if (eq === -1) return arg;
    this.inline = arg.slice(eq + 1);
    return arg.slice(0, eq);
  }

  /** The value of option `name`. */
  value(name: string): string {
    if (this.inline !== undefined) return this.inline;
    const value = this.args[this.index++];
    if (value === undefined) throw new CliUsageError(`${name} needs a value`);
    return value;
  }

  /** A file name (read when the command runs). */
  file(name: string): string {
    const text = this.value(name);
    if (text === "") throw new CliUsageError(`${name} needs a file name`);
    return text;
  }

  /** A flag takes no value. */
  flag(name: string): void {
    if (this.inline !== undefined) throw new CliUsageError(`${name} takes no value`);
  }

  /** A decimal integer ≥ `min`. */
  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const text = this.value(name);
    const n = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
    if (!(n >= min && n <= max)) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `${min}–${max}`;
      throw new CliUsageError(`${name}: expected an integer ${range}, got '${text}'`);
    }
    return n;
  }

  port(name: string): number {
    return this.integer(name, 0, 65535);
  }

  /** An interface name or IP literal; `[::1]` is accepted for `::1`. */
  host(name: string): string {
    const text = this.value(name);
    const host = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
    if (host === "" || /[\s/?#@]/.test(host)) {
      throw new CliUsageError(`${name}: '${text}' is not a host name or address`);
    }
    return host;
  }

  unexpected(arg: string, command: string): CliUsageError {
    return new CliUsageError(`${command}: unknown option '${arg}'`);
  }
}
