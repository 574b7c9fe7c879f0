import { describe, expect, it } from "vitest";
import { CliUsageError, type Command, parseArguments } from "../src/cli.ts";

const SERVE_DEFAULTS = {
  kind: "serve",
  port: 0,
  host: "127.0.0.1",
  keepAliveTimeoutMs: undefined,
  maxRequests: undefined,
  advertiseKeepAlive: false,
  maxConnectionsPerClient: undefined,
  tls: undefined,
} as const;

const GET_DEFAULTS = {
  kind: "get",
  connections: undefined,
  pipelining: undefined,
  method: "GET",
  headers: [],
  data: undefined,
  retries: undefined,
  serial: false,
  gapMs: 0,
  http10: false,
  proxy: undefined,
  caFile: undefined,
} as const;

const U = "http://127.0.0.1:8080/echo";

describe("parseArguments: valid command lines", () => {
  it.each<[string, string[], Command]>([
    ["serve with defaults", ["serve"], SERVE_DEFAULTS],
    [
      "serve with every option",
      [
        "serve",
        "--port",
        "8080",
        "--host",
        "::1",
        "--keep-alive-timeout",
        "250",
        "--max-requests",
        "3",
        "--advertise-keep-alive",
        "--max-connections-per-client",
        "2",
      ],
      {
        ...SERVE_DEFAULTS,
        port: 8080,
        host: "::1",
        keepAliveTimeoutMs: 250,
        maxRequests: 3,
        advertiseKeepAlive: true,
        maxConnectionsPerClient: 2,
      },
    ],
    [
      "serve --opt=value",
      ["serve", "--port=0", "--host=0.0.0.0"],
      { ...SERVE_DEFAULTS, host: "0.0.0.0" },
    ],
    ["serve --host [::1]", ["serve", "--host", "[::1]"], { ...SERVE_DEFAULTS, host: "::1" }],
    [
      "serve --keep-alive-timeout 0",
      ["serve", "--keep-alive-timeout", "0"],
      { ...SERVE_DEFAULTS, keepAliveTimeoutMs: 0 },
    ],
    ["get one URL", ["get", U], { ...GET_DEFAULTS, urls: [U] }],
    [
      "get an https URL with --ca (issue #9)",
      ["get", "https://localhost:8443/", "--ca", "ca.pem"],
      { ...GET_DEFAULTS, urls: ["https://localhost:8443/"], caFile: "ca.pem" },
    ],
    [
      "serve --tls-cert --tls-key (issue #9)",
      ["serve", "--tls-cert", "c.pem", "--tls-key=k.pem"],
      { ...SERVE_DEFAULTS, tls: { certFile: "c.pem", keyFile: "k.pem" } },
    ],
    [
      "get keeps URLs as given, in order",
      ["get", "http://a.test", U, "http://[::1]:1/x?y"],
      { ...GET_DEFAULTS, urls: ["http://a.test", U, "http://[::1]:1/x?y"] },
    ],
    [
      "get with every option, options between URLs",
      [
        "get",
        U,
        "--connections",
        "4",
        "--pipelining",
        "8",
        "--method",
        "PUT",
        "--header",
        "X-A: 1",
        "--header",
        "x-b:two words  ",
        "--data",
        "hello",
        "--retries",
        "0",
        "--serial",
        "--gap",
        "50",
        "--http1.0",
        "--proxy",
        "http://127.0.0.1:3128",
        "http://127.0.0.1:8080/bytes/3",
      ],
      {
        ...GET_DEFAULTS,
        urls: [U, "http://127.0.0.1:8080/bytes/3"],
        connections: 4,
        pipelining: 8,
        method: "PUT",
        headers: [
          ["X-A", "1"],
          ["x-b", "two words"],
        ],
        data: "hello",
        retries: 0,
        serial: true,
        gapMs: 50,
        http10: true,
        proxy: "http://127.0.0.1:3128",
      },
    ],
    [
      "get --data alone means POST",
      ["get", U, "--data", ""],
      { ...GET_DEFAULTS, urls: [U], method: "POST", data: "" },
    ],
    [
      "get --gap implies --serial",
      ["get", U, "--gap", "10"],
      { ...GET_DEFAULTS, urls: [U], serial: true, gapMs: 10 },
    ],
    [
      "get --header with an empty value",
      ["get", U, "--header", "X-E:"],
      { ...GET_DEFAULTS, urls: [U], headers: [["X-E", ""]] },
    ],
    [
      "get --header=… with = in the value",
      ["get", U, "--header=X: a=b"],
      { ...GET_DEFAULTS, urls: [U], headers: [["X", "a=b"]] },
    ],
    [
      "proxy",
      ["proxy", "--port", "9000", "--upstream", "http://127.0.0.1:8080"],
      { kind: "proxy", port: 9000, host: "127.0.0.1", upstream: "http://127.0.0.1:8080" },
    ],
    [
      "proxy with a trailing slash upstream",
      ["proxy", "--upstream", "http://[::1]:8080/", "--host", "::1"],
      { kind: "proxy", port: 0, host: "::1", upstream: "http://[::1]:8080" },
    ],
    ["help", ["help"], { kind: "help" }],
    ["--help", ["--help"], { kind: "help" }],
    ["serve --help", ["serve", "--help"], { kind: "help" }],
    ["get -h", ["get", "-h"], { kind: "help" }],
  ])("%s", (_, argv, expected) => {
    expect(parseArguments(argv)).toEqual(expected);
  });
});

describe("parseArguments: usage errors", () => {
  it.each<[string[], RegExp]>([
    [[], /missing command/],
    [["fetch"], /unknown command 'fetch'/],
    [["serve", "--port"], /--port needs a value/],
    [["serve", "--port", "65536"], /--port: expected an integer 0–65535, got '65536'/],
    [["serve", "--port", "-1"], /--port: expected an integer/],
    [["serve", "--port", "80x"], /--port: expected an integer/],
    [["serve", "--port", ""], /--port: expected an integer/],
    [["serve", "--port", "1e3"], /--port: expected an integer/],
    [["serve", "--max-requests", "0"], /--max-requests: expected an integer ≥ 1/],
    [["serve", "--host", ""], /--host: '' is not a host name/],
    [["serve", "--host", "a b"], /--host: 'a b' is not a host name/],
    [["serve", "--advertise-keep-alive=yes"], /--advertise-keep-alive takes no value/],
    [["serve", "--bogus"], /serve: unknown option '--bogus'/],
    [["serve", "extra"], /serve: unknown option 'extra'/],
    [["get"], /get: give at least one URL/],
    [["get", "--serial"], /get: give at least one URL/],
    [["get", "not a url"], /URL: 'not a url' is not a URL/],
    [["get", "ftp://example.test/"], /is not an http: or https: URL/],
    [["get", U, "--proxy", "https://proxy.test"], /--proxy: .* is not an http: URL/],
    [["get", U, "--ca"], /--ca needs a value/],
    [["serve", "--tls-cert", "c.pem"], /--tls-cert and --tls-key go together/],
    [["serve", "--tls-key", "k.pem"], /--tls-cert and --tls-key go together/],
    [["get", U, "--connections", "0"], /--connections: expected an integer ≥ 1/],
    [["get", U, "--pipelining", "0"], /--pipelining: expected an integer ≥ 1/],
    [["get", U, "--retries", "-1"], /--retries: expected an integer ≥ 0/],
    [["get", U, "--header", "NoColon"], /--header: expected 'Name: value'/],
    [["get", U, "--header", ": v"], /--header: expected 'Name: value'/],
    [["get", U, "--header", "Bad Name: v"], /--header: expected 'Name: value'/],
    [["get", U, "--method", "GE T"], /--method: 'GE T' is not a token/],
    [["get", U, "--proxy", "socks5://x"], /--proxy: 'socks5:\/\/x' is not an http: URL/],
    [["get", U, "-x"], /get: unknown option '-x'/],
    [["proxy"], /proxy: --upstream URL is required/],
    [["proxy", "--upstream", "http://a.test/base"], /--upstream: give an origin only/],
    [["proxy", "--upstream", "http://a.test/?q"], /--upstream: give an origin only/],
    [["proxy", "--upstream"], /--upstream needs a value/],
  ])("%j", (argv, message) => {
    expect(() => parseArguments(argv)).toThrow(CliUsageError);
    expect(() => parseArguments(argv)).toThrow(message);
  });
});
