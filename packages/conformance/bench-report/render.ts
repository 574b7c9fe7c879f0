/**
 * The report's files from its inputs: `README.md` and one SVG chart per
 * measured section. Pure: the same inputs give the same bytes.
 */
import { buildReport, type Inputs } from "./benches.ts";
import { chartFile, renderMarkdown } from "./markdown.ts";
import { sectionChart } from "./svg.ts";

/** File name (in `docs/benchmarks/`) → contents. */
export function renderReport(inputs: Inputs): Map<string, string> {
  const report = buildReport(inputs);
  const files = new Map<string, string>([["README.md", renderMarkdown(report)]]);
  for (const bench of report.benches) {
    for (const section of bench.sections) {
      if (section.missing === null && section.rows.length > 0) {
        files.set(chartFile(section), sectionChart(section, bench.title));
      }
    }
  }
  return files;
}
