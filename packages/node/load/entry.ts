/** The Node entry of the load scripts (@tether/conformance/load): `serve` and `createClient` over node:net. */
import { runLoadRole } from "@tether/conformance/load";
import { createClient, serve } from "../src/index.ts";

await runLoadRole({ name: "node", serve, createClient }, process.argv.slice(2));
