/** The Bun entry of the load scripts (@tether/conformance/load): `serve` and `createClient` over Bun sockets. */
import { runLoadRole } from "@tether/conformance/load";
import { createClient, serve } from "../src/index.ts";

await runLoadRole({ name: "bun", serve, createClient }, process.argv.slice(2));
