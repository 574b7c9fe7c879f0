/** The Deno entry of the load scripts (@tether/conformance/load): `serve` and `createClient` over Deno sockets. */
import { runLoadRole } from "@tether/conformance/load";
import { createClient, serve } from "../src/index.ts";

await runLoadRole({ name: "deno", serve, createClient }, process.argv.slice(2));
