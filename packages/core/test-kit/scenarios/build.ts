/** Small builders that keep the scenario files short. Everything they return is plain data. */
import type { ClientStep, ScenarioRequest } from "../scenario.ts";
import { bodyFor, httpResponse, type ServerStep } from "../server-script.ts";

/** A request step at time `at`. */
export function send(at: number, request: ScenarioRequest): ClientStep {
  return { at, request };
}

/** A GET of `target` named `name` at time `at`. */
export function get(
  name: string,
  at: number,
  target = `/${name}`,
  more: Partial<ScenarioRequest> = {},
): ClientStep {
  return { at, request: { name, target, ...more } };
}

/** A POST of `target` with a small body. */
export function post(name: string, at: number, more: Partial<ScenarioRequest> = {}): ClientStep {
  return {
    at,
    request: { name, method: "POST", target: `/${name}`, body: `body of ${name}`, ...more },
  };
}

/** The body the serving server sends for a GET of `target`. */
export function bodyOf(target: string, method = "GET"): string {
  return bodyFor(method, target);
}

/** A step that answers with 200 and `body` (Content-Length framing), plus extra fields. */
export function reply(
  body = "ok",
  headers: readonly (readonly [string, string])[] = [],
): ServerStep {
  return { write: httpResponse({ body, headers }) };
}

/** Steps that read one request and answer it. */
export function readAndReply(
  body = "ok",
  headers: readonly (readonly [string, string])[] = [],
): ServerStep[] {
  return [{ read: {} }, reply(body, headers)];
}
