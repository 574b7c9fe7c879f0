/**
 * server-exchange-state.ts: an exchange keeps its flags as bits and its
 * rare parts (body chunks, abort signal, connection facts) in a part made
 * when first needed. Each must read back what was set, independently.
 */
import { describe, expect, it } from "vitest";
import type { RequestInfo } from "../src/api.ts";
import {
  ABORTED,
  type ExchangeExtras,
  ExchangeState,
  SETTLED,
  STARTED,
} from "../src/server-exchange-state.ts";
import { exchange } from "./server-harness.ts";

/** Opens the protected parts for the test. */
class Probe extends ExchangeState {
  protected override bits = 0;
  protected override extras: ExchangeExtras | null = null;
  set(flag: "awaitingContinue" | "aborted" | "bodyDone" | "bodyFailed", on: boolean): void {
    this[flag] = on;
  }
  get(flag: "awaitingContinue" | "aborted" | "bodyDone" | "bodyFailed"): boolean {
    return this[flag];
  }
  setChunks(c: Uint8Array[] | null): void {
    this.chunks = c;
  }
  getChunks(): Uint8Array[] | null {
    return this.chunks;
  }
  setInfo(i: RequestInfo | null): void {
    this.infoMade = i;
  }
  getInfo(): RequestInfo | null {
    return this.infoMade;
  }
  /** Sets bits the way the exchange's per-request path does. */
  raise(bits: number): void {
    this.bits |= bits;
  }
  get extrasMade(): boolean {
    return this.extras !== null;
  }
}

const FLAGS = ["awaitingContinue", "aborted", "bodyDone", "bodyFailed"] as const;

describe("ExchangeState", () => {
  it("keeps every flag apart from the others", () => {
    const p = new Probe();
    for (const f of FLAGS) expect(p.get(f)).toBe(false);
    for (const f of FLAGS) {
      p.set(f, true);
      for (const g of FLAGS) expect(p.get(g)).toBe(g === f);
      p.settled = true;
      p.started = true;
      expect(p.get(f)).toBe(true);
      p.set(f, false);
      p.settled = false;
      p.started = false;
    }
    p.settled = true;
    expect(p.settled && !p.started).toBe(true);
  });

  it("names the same flags as the bits the exchange's per-request path sets", () => {
    const p = new Probe();
    p.raise(STARTED);
    expect([p.started, p.settled, p.get("aborted")]).toEqual([true, false, false]);
    p.raise(SETTLED);
    expect([p.started, p.settled, p.get("aborted")]).toEqual([true, true, false]);
    p.raise(ABORTED);
    expect(p.get("aborted")).toBe(true);
    for (const f of FLAGS) if (f !== "aborted") expect(p.get(f)).toBe(false);
  });

  it("makes its rare part only for a value, and reads back what was set", () => {
    const p = new Probe();
    p.setChunks(null);
    p.setInfo(null);
    expect(p.extrasMade).toBe(false);
    expect(p.getChunks()).toBeNull();
    const chunk = new Uint8Array([1]);
    p.setChunks([chunk]);
    expect(p.extrasMade).toBe(true);
    expect(p.getChunks()).toEqual([chunk]);
    expect(p.getInfo()).toBeNull();
    p.setChunks(null);
    expect(p.getChunks()).toBeNull();
  });
});

describe("exchanges that use the rare parts", () => {
  it("RFC 9110 §10.1.1: a body after 100-continue, the signal and the connection facts all reach the handler", async () => {
    const seen: string[] = [];
    const wire = await exchange(
      {
        handler: async (ex) => {
          seen.push(String(ex.signal.aborted));
          seen.push(ex.info.remoteAddress === "" ? "no address" : "address");
          seen.push(new TextDecoder().decode(await ex.body()));
          ex.respond(200, [["content-type", "text/plain"]], "done");
        },
      },
      "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    );
    expect(seen).toEqual(["false", "address", "hello"]);
    expect(wire).toContain("HTTP/1.1 200 OK\r\n");
    expect(wire.endsWith("\r\n\r\ndone")).toBe(true);
  });
});
