/**
 * Bun's `fetch()` responses reuse a repeated field section's `Headers`
 * (adapter-kit repeated-headers.ts): each response must still carry exactly
 * its own head's fields, in its own `Headers`.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { createClient } from "../src/index.ts";

let n = 0;
const origin = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    n++;
    const url = new URL(req.url);
    const headers = new Headers({ "x-fixed": "same", "content-type": "text/plain" });
    headers.append("set-cookie", "a=1");
    headers.append("set-cookie", "b=2");
    if (url.pathname === "/varies") headers.set("x-count", String(n));
    return new Response("ok", { headers });
  },
});
const client = createClient({ connectionsPerOrigin: 1 });

afterAll(async () => {
  await client.close();
  origin.stop(true);
});

describe("Bun fetch(): a repeated field section", () => {
  it("gives every response its own fields, equal to its head's, and its own Headers", async () => {
    const base = `http://127.0.0.1:${origin.port}`;
    const got: Response[] = [];
    for (let i = 0; i < 6; i++) got.push(await client.fetch(`${base}/same`));
    for (const r of got) {
      expect(r.headers.get("x-fixed")).toBe("same");
      expect(r.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
      expect(await r.text()).toBe("ok");
    }
    (got[3] as Response).headers.set("x-fixed", "changed");
    (got[4] as Response).headers.delete("set-cookie");
    const later = await client.fetch(`${base}/same`);
    expect(later.headers.get("x-fixed")).toBe("same");
    expect(later.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect((got[5] as Response).headers.get("x-fixed")).toBe("same");
    await later.text();
  });

  it("a section that changes between responses is never taken from the last one", async () => {
    const base = `http://127.0.0.1:${origin.port}`;
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const a = await client.fetch(`${base}/same`);
      const b = await client.fetch(`${base}/varies`);
      expect(a.headers.get("x-count")).toBeNull();
      const count = b.headers.get("x-count") as string;
      expect(seen.has(count)).toBe(false);
      seen.add(count);
      await a.text();
      await b.text();
    }
  });
});
