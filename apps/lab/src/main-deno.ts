/** The lab's Deno entry: `pnpm demo --runtime deno` runs it under Deno. */
import { createClient, denoSocketLayer, serve } from "@tether/deno";
import { writeTextFile } from "./files.ts";
import { runLab } from "./lab.ts";

Deno.exitCode = await runLab(
  {
    name: "deno",
    version: `deno ${Deno.version.deno}`,
    layer: denoSocketLayer,
    serve,
    createClient,
    print: (line) => console.log(line),
    writeFile: writeTextFile,
  },
  Deno.args,
);
