/**
 * The example contract (apps/example-shared/README.md), end to end: the
 * conformance kit starts this app as a user would — `deno run` in a child
 * process — and drives it over raw TCP and with `get`.
 */
import { fileURLToPath } from "node:url";
import { exampleCliCases, skipReason } from "@tether/conformance";

const app = {
  runtime: "deno",
  cwd: fileURLToPath(new URL("..", import.meta.url)),
  // --allow-read for the TLS case's --tls-cert/--tls-key/--ca files; nothing else reads files.
  command: [Deno.execPath(), "run", "--no-lock", "--allow-net", "--allow-read", "src/main.ts"],
};

for (const c of exampleCliCases) {
  const why = skipReason(c, "deno");
  if (why === null) Deno.test(c.name, () => c.run(app));
  else Deno.test({ name: `${c.name} — skipped on deno: ${why}`, ignore: true, fn: () => {} });
}
