/** The lab's Bun entry: `pnpm demo --runtime bun` runs it under Bun. */
import { bunSocketLayer, createClient, serve } from "@tether/bun";
import { writeTextFile } from "./files.ts";
import { runLab } from "./lab.ts";

process.exitCode = await runLab(
  {
    name: "bun",
    version: `bun ${Bun.version}`,
    layer: bunSocketLayer,
    serve,
    createClient,
    print: (line) => console.log(line),
    writeFile: writeTextFile,
  },
  Bun.argv.slice(2),
);
