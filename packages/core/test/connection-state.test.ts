import { describe, expect, it } from "vitest";
import {
  nextWriterState,
  WRITER_TRANSITIONS,
  type WriterInput,
  type WriterState,
  writerTransition,
} from "../src/connection-state.ts";
import { UsageError } from "../src/errors.ts";

const STATES: WriterState[] = ["idle", "body", "done"];
const INPUTS: WriterInput[] = ["head-with-body", "head-without-body", "data", "end", "close"];

describe("the writer state table", () => {
  it("RFC 9112 §9.6: writerTransition() agrees with WRITER_TRANSITIONS on every state and input", () => {
    for (const state of STATES) {
      for (const input of INPUTS) {
        expect(writerTransition(state, input), `${state} + ${input}`).toBe(
          WRITER_TRANSITIONS[state][input],
        );
      }
    }
  });

  it("RFC 9112 §9.6: nextWriterState() refuses what the table lacks (SEND_AFTER_CLOSE once done)", () => {
    for (const state of STATES) {
      for (const input of INPUTS) {
        const want = WRITER_TRANSITIONS[state][input];
        if (want !== undefined) expect(nextWriterState(state, input)).toBe(want);
        else {
          let caught: unknown;
          try {
            nextWriterState(state, input);
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(UsageError);
          expect((caught as UsageError).code).toBe(
            state === "done" ? "SEND_AFTER_CLOSE" : "INVALID_STATE",
          );
        }
      }
    }
  });
});
