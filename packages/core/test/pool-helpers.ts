/** Shared by the pool-*.test.ts files: run a scenario and show its events when it fails. */
import { expect } from "vitest";
import type { PoolEvent } from "../src/pool-events.ts";
import { checkScenario, runScenario, type Scenario } from "../test-kit/scenario.ts";
import type { SimNetwork } from "../test-kit/sim-network.ts";

/** One line per event, for failure messages. */
export function eventLog(sim: SimNetwork): string {
  return sim.events.map(({ at, event }) => `${at} ${describe(event)}`).join("\n");
}

function describe(event: PoolEvent): string {
  return JSON.stringify(event, (key, value: unknown) => {
    if (key === "head" && typeof value === "object" && value !== null && "status" in value)
      return value.status;
    if (value instanceof Uint8Array) return `${value.length} octets`;
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    return value;
  });
}

/** A scenario's test title: its name, then the RFC sections its rule cites. */
export function title(s: Scenario): string {
  const cites = [...new Set(s.rule.match(/RFC \d+ (?:§[\d.]+|Appendix [A-Z.\d]+)/g) ?? [])];
  return cites.length === 0 ? s.name : `${s.name} (${cites.join(", ")})`;
}

/** Plays the scenario and expects its expectations to hold; returns the outcome. */
export function expectScenario(s: Scenario): ReturnType<typeof runScenario> {
  const outcome = runScenario(s);
  const problems = checkScenario(outcome, s.expect);
  expect(problems, `${s.name}\n${eventLog(outcome.sim)}`).toEqual([]);
  return outcome;
}
