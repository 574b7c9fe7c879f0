/**
 * Core's pool scenarios over real TLS (issue #9): a few representative
 * scenarios of scenario-replay.ts replayed against `https://` script
 * servers, so that reuse, pipelining, the stale-connection race and the
 * retry rules hold when every connection is a TLS one — where a closed or
 * reset connection is noticed through the TLS layer of each runtime. The
 * expectations are the scenarios' own, unchanged.
 */
import assert from "node:assert/strict";
import { ALL_SCENARIOS } from "@tether/core/test-kit";
import { replayIssue, replayScenario } from "./scenario-replay.ts";
import type { ConformanceCase } from "./server-cases.ts";
import type { TlsUnderTest } from "./tls-cases.ts";

/**
 * The scenarios replayed over TLS, each with the requests sent in the turn
 * the server closes (the stale-connection race, as in client-cases.ts).
 */
const OVER_TLS: Readonly<Record<string, readonly string[]>> = {
  "persistent reuse: an idle persistent connection is reused before a new one is opened": [],
  "pipelining: a close mid-pipeline keeps the complete responses, retries the head request and re-queues the rest in order":
    [],
  "stale-connection race: a GET on a reused connection closed by the server is retried and the user never sees it":
    ["b"],
  "stale-connection race: a reset while idle retires the connection": [],
  "retry rules: a POST already written is never sent twice, even in the stale-connection race": [
    "p",
  ],
  "retry rules: a GET whose first connection resets inside the response head is retried (idempotent method)":
    [],
  "truncation, buffered: a GET reset inside the body is retried (truncated-body) and the caller gets the whole body":
    [],
};

/** The cases: one per scenario of {@link OVER_TLS}. */
export const tlsReplayCases: ConformanceCase<TlsUnderTest>[] = Object.entries(OVER_TLS).map(
  ([name, racing]) => ({
    name: `scenario over real TLS sockets: ${name}`,
    run: async (t) => {
      const s = ALL_SCENARIOS.find((x) => x.name === name);
      assert.ok(s !== undefined, `no scenario named ${name}`);
      assert.equal(replayIssue(s), null);
      const { cert, key } = t.certs.server;
      const diffs = await replayScenario(s, t.createClient, {
        tls: { cert, key, ca: t.certs.ca.cert },
        ...(racing.length > 0 ? { atServerClose: racing } : {}),
      });
      assert.deepEqual(diffs, [], diffs.join("\n"));
    },
  }),
);
