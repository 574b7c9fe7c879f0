import { describe, expect, it } from "vitest";
import { ClientConnection } from "../src/client-connection.ts";
import { ClientPool } from "../src/client-pool.ts";
import type { ClientEvent } from "../src/connection-events.ts";
import { ProtocolError, UsageError } from "../src/errors.ts";
import { Fields } from "../src/fields.ts";
import { prepareRequest } from "../src/request-preparation.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import { SimNetwork } from "../test-kit/sim-network.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");
const bytes = (s: string) => enc.encode(s);

function drain(conn: ClientConnection): ClientEvent[] {
  const out: ClientEvent[] = [];
  for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) out.push(ev);
  return out;
}

function send(conn: ClientConnection, method: string, target: string, fields: [string, string][]) {
  const { id, bytes: head } = conn.request({ method, target, fields });
  return { id, wire: dec.decode(head) };
}

const UPGRADE_WS: [string, string][] = [
  ["Host", "a"],
  ["Connection", "upgrade"],
  ["Upgrade", "websocket"],
];

const SWITCH_WS =
  "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\nframes";

describe("ClientConnection: protocol switch (RFC 9110 §7.8, §15.2.2)", () => {
  it("RFC 9110 §15.2.2: a 101 to the offered protocol switches; the rest is the new protocol's", () => {
    const conn = new ClientConnection();
    const { id } = send(conn, "GET", "/chat", UPGRADE_WS);
    conn.receive(bytes(SWITCH_WS));
    const evs = drain(conn);
    expect(evs.map((e) => e.type)).toEqual(["response", "switched"]);
    const switched = evs[1];
    expect(switched?.type === "switched" && switched.id).toBe(id);
    expect(switched?.type === "switched" && dec.decode(switched.rest)).toBe("frames");
    expect(conn.state).toBe("switched");
  });

  it("RFC 9110 §7.8: protocol names match without regard to case, and a versioned answer meets an offer of the bare name", () => {
    const conn = new ClientConnection();
    send(conn, "GET", "/", [
      ["Host", "a"],
      ["Connection", "Upgrade"],
      ["Upgrade", "WebSocket, foo/2"],
    ]);
    conn.receive(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket/13\r\n\r\n"));
    expect(drain(conn).map((e) => e.type)).toEqual(["response", "switched"]);
  });

  it("RFC 9110 §15.2.2: a 101 to a request that offered no Upgrade is a typed error, not a switch", () => {
    const conn = new ClientConnection();
    const { id } = send(conn, "GET", "/", [["Host", "a"]]);
    conn.receive(bytes(SWITCH_WS));
    const evs = drain(conn);
    expect(evs).toHaveLength(1);
    const ev = evs[0];
    expect(ev?.type).toBe("error");
    if (ev?.type !== "error") return;
    expect(ev.error).toBeInstanceOf(ProtocolError);
    expect(ev.error.code).toBe("UNSOLICITED_SWITCH");
    expect(ev.failed.map((f) => f.id)).toEqual([id]);
    expect(conn.state).toBe("must-close");
    expect(() => conn.takeRest()).toThrow(UsageError);
  });

  it("RFC 9110 §15.2.2: a 101 to a protocol the request did not offer is a typed error", () => {
    const conn = new ClientConnection();
    send(conn, "GET", "/", UPGRADE_WS);
    conn.receive(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"));
    const ev = drain(conn)[0];
    expect(ev?.type === "error" && ev.error.code).toBe("UNSOLICITED_SWITCH");
    expect(ev?.type === "error" && ev.error.message).toContain("h2c");
    expect(conn.state).toBe("must-close");
  });

  it("RFC 9110 §15.2.2: a versioned offer is not met by another version of it", () => {
    const conn = new ClientConnection();
    send(conn, "GET", "/", [
      ["Host", "a"],
      ["Connection", "upgrade"],
      ["Upgrade", "foo/2"],
    ]);
    conn.receive(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo/3\r\n\r\n"));
    expect(drain(conn)[0]?.type === "error").toBe(true);
  });

  it("RFC 9110 §7.8: a 101 that names no protocol in Upgrade is a typed error", () => {
    const conn = new ClientConnection();
    send(conn, "GET", "/", UPGRADE_WS);
    conn.receive(bytes("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n\r\n"));
    const ev = drain(conn)[0];
    expect(ev?.type === "error" && ev.error.code).toBe("UNSOLICITED_SWITCH");
  });

  it("RFC 9110 §7.8: nothing may be sent behind an Upgrade offer until it is answered; a refusal lets the next request go", () => {
    const conn = new ClientConnection();
    send(conn, "GET", "/", UPGRADE_WS);
    expect(conn.canSend).toBe(false);
    expect(() => send(conn, "GET", "/next", [["Host", "a"]])).toThrow(UsageError);
    // Refused: the server answers in HTTP and the connection carries on (RFC 9110 §7.8).
    conn.receive(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno"));
    expect(drain(conn).map((e) => e.type)).toEqual(["response", "data", "end"]);
    expect(conn.canSend).toBe(true);
    expect(send(conn, "GET", "/next", [["Host", "a"]]).wire).toBe(
      "GET /next HTTP/1.1\r\nHost: a\r\n\r\n",
    );
  });

  it("RFC 9110 §9.3.6: nothing may be sent behind a CONNECT until it is answered; a refusal lets the next request go", () => {
    const conn = new ClientConnection();
    send(conn, "CONNECT", "example.com:443", [["Host", "example.com:443"]]);
    expect(conn.canSend).toBe(false);
    expect(() => send(conn, "GET", "/", [["Host", "a"]])).toThrow(UsageError);
    conn.receive(bytes("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"));
    expect(drain(conn).map((e) => e.type)).toEqual(["response", "end"]);
    expect(conn.canSend).toBe(true);
  });

  it("RFC 9110 §9.3.6: a 2xx to CONNECT switches to the tunnel", () => {
    const conn = new ClientConnection();
    send(conn, "CONNECT", "example.com:443", [["Host", "example.com:443"]]);
    conn.receive(bytes("HTTP/1.1 200 Connection Established\r\n\r\ntls"));
    const evs = drain(conn);
    expect(evs.map((e) => e.type)).toEqual(["response", "switched"]);
    const switched = evs[1];
    expect(switched?.type === "switched" && dec.decode(switched.rest)).toBe("tls");
  });

  it("RFC 9112 §9.3.2: ordinary requests still pipeline behind each other", () => {
    const conn = new ClientConnection();
    send(conn, "GET", "/1", [["Host", "a"]]);
    expect(conn.canSend).toBe(true);
    send(conn, "GET", "/2", [["Host", "a"]]);
    expect(conn.inFlightCount).toBe(2);
  });
});

describe("ClientConnection: Host first (RFC 9110 §7.2)", () => {
  it("RFC 9110 §7.2: a Host given after other fields is sent as the first field line", () => {
    const conn = new ClientConnection();
    const { wire } = send(conn, "GET", "/", [
      ["foo", "bar"],
      ["Accept", "*/*"],
      ["HOST", "example.com"],
      ["baz", "qux"],
    ]);
    expect(wire).toBe(
      "GET / HTTP/1.1\r\nHOST: example.com\r\nfoo: bar\r\nAccept: */*\r\nbaz: qux\r\n\r\n",
    );
  });

  it("RFC 9110 §7.2: fields already led by Host, or without Host, keep their order", () => {
    const led = Fields.from([
      ["host", "a"],
      ["x", "1"],
    ]);
    const p = prepareRequest({ method: "GET", target: "/", fields: led }, {}, false);
    expect(dec.decode(p.bytes)).toBe("GET / HTTP/1.1\r\nhost: a\r\nx: 1\r\n\r\n");
    const none = prepareRequest(
      {
        method: "GET",
        target: "/",
        version: "1.0",
        fields: [
          ["x", "1"],
          ["hostname", "not-host"],
        ],
      },
      {},
      false,
    );
    expect(dec.decode(none.bytes)).toBe(
      "GET / HTTP/1.0\r\nx: 1\r\nhostname: not-host\r\nConnection: keep-alive\r\n\r\n",
    );
  });
});

describe("Upgrade offers: the connection option, and the pool's pipelining (RFC 9110 §7.8)", () => {
  it("RFC 9110 §7.8: a request with Upgrade but without the 'upgrade' connection option is sent with it", () => {
    const p = prepareRequest(
      {
        method: "GET",
        target: "/",
        fields: [
          ["Host", "a"],
          ["Connection", "keep-alive"],
          ["Upgrade", "websocket"],
        ],
      },
      {},
      false,
    );
    expect(dec.decode(p.bytes)).toBe(
      "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
    );
    expect(p.upgrade).toEqual(["websocket"]);
    const already = prepareRequest({ method: "GET", target: "/", fields: UPGRADE_WS }, {}, false);
    expect(dec.decode(already.bytes)).toBe(
      "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
    );
  });

  it("RFC 9110 §7.8: the 'upgrade' connection option without an Upgrade field offers nothing", () => {
    const p = prepareRequest(
      {
        method: "GET",
        target: "/",
        fields: [
          ["Host", "a"],
          ["Connection", "upgrade"],
        ],
      },
      {},
      false,
    );
    expect(p.upgrade).toBeNull();
    const conn = new ClientConnection();
    conn.request({
      method: "GET",
      target: "/",
      fields: [
        ["Host", "a"],
        ["Connection", "upgrade"],
      ],
    });
    expect(conn.canSend).toBe(true);
  });

  /** Pipelining 4 on one connection; `/first` proves it persistent, then `second` and `/behind` are asked together. */
  function behind(second: [string, string][]): { together: boolean; wire: string } {
    const pool = new ClientPool({ connectionsPerOrigin: 1, pipelining: 4 });
    const sim = new SimNetwork(pool, { server: { otherwise: { serve: { delayMs: 5 } } } });
    sim.request({ origin: scenarioOrigin(), method: "GET", target: "/first" });
    sim.at(20, () => {
      sim.request({ origin: scenarioOrigin(), method: "GET", target: "/second", fields: second });
      sim.request({ origin: scenarioOrigin(), method: "GET", target: "/behind" });
    });
    sim.run();
    const wire = sim.writes.map((w) => dec.decode(w.bytes)).join("");
    const when = (target: string) =>
      sim.writes.find((w) => dec.decode(w.bytes).includes(`GET ${target} `))?.at;
    expect([...sim.results.values()].every((r) => r.outcome === "end")).toBe(true);
    return { together: when("/second") === when("/behind"), wire };
  }

  it("RFC 9110 §7.8: the pool pipelines nothing behind an Upgrade offer, whatever its Connection field says", () => {
    const offer = behind([["Upgrade", "example/1"]]);
    expect(offer.together).toBe(false);
    expect(offer.wire).toContain("Upgrade: example/1\r\nConnection: upgrade\r\n");
    // The 'upgrade' option alone offers no protocol: requests pipeline behind it.
    expect(behind([["Connection", "upgrade"]]).together).toBe(true);
    expect(behind([]).together).toBe(true);
  });
});
