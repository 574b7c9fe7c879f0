/**
 * h11's reader cases (python-hyper/h11, MIT licence; see h11/source.ts) on
 * the MessageParser: each input whole and one octet at a time must give the
 * listed events. Cases where h11 behaves otherwise say so, with the RFC
 * section Tether follows.
 */
import { describe, expect, it } from "vitest";
import { BODY_CASES } from "./h11/body-cases.ts";
import { PARSE_CASES } from "./h11/parse-cases.ts";
import { summarize } from "./h11/run.ts";
import { req, res } from "./parser-helpers.ts";

const ALL = [...PARSE_CASES, ...BODY_CASES];

describe("h11 port: MessageParser", () => {
  for (const c of ALL) {
    const known = c.difference === undefined ? "" : " [known difference from h11]";
    it(`${c.rfc}: ${c.title}${known} (h11 ${c.from})`, () => {
      const options = c.end === true ? { end: true } : {};
      const events =
        c.kind === "request" ? req(c.input, options) : res(c.input, c.methods ?? [], options);
      expect(events.map(summarize)).toEqual(c.expect);
      if (c.fields !== undefined) {
        const head = events[0];
        expect(head?.type === "request" || head?.type === "response").toBe(true);
        if (head?.type === "request" || head?.type === "response") {
          expect(head.fields).toEqual(c.fields);
        }
      }
    });
  }

  it("the h11 case table holds no duplicate input", () => {
    const keys = ALL.map((c) => `${c.kind} ${c.input} ${c.end === true}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
