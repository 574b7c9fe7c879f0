/**
 * CPU time the hypervisor took from this (virtual) machine during a
 * benchmark: the `steal` column of Linux's `/proc/stat`. On a shared host a
 * run can lose a third of its CPU to other guests; every rate then drops
 * together and the run looks like a regression everywhere. The benches
 * record the stolen share over their whole run so that such a run can be
 * recognised in the report (and thrown away), as the load average cannot
 * show it: stolen time is nobody's in the guest.
 */
import { fs } from "./node.ts";

/** The machine's CPU time (all cores, clock ticks) and the part of it stolen. */
export interface MachineCpu {
  readonly total: number;
  readonly steal: number;
}

/**
 * The first line of `text` (`/proc/stat`): `cpu user nice system idle
 * iowait irq softirq steal [guest guest_nice]`, guest time being already
 * counted in user and nice. Null when the line is not that.
 */
export function parseMachineCpu(text: string): MachineCpu | null {
  const fields = (text.split("\n", 1)[0] ?? "").trim().split(/\s+/);
  if (fields[0] !== "cpu" || fields.length < 9) return null;
  const ticks = fields.slice(1, 9).map(Number);
  if (ticks.some((n) => !Number.isSafeInteger(n) || n < 0)) return null;
  return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] as number };
}

/**
 * This machine's CPU times now, or null where there is no `/proc/stat` (not
 * Linux) or no permission to read it (Deno reads it only with `--allow-all`,
 * which the Deno bench script gives).
 */
export function machineCpu(): MachineCpu | null {
  try {
    return parseMachineCpu(fs.readFileSync("/proc/stat", "utf8"));
  } catch {
    return null;
  }
}

/** The percentage of all CPU time stolen between two readings; null when either is missing. */
export function stealPercent(before: MachineCpu | null, after: MachineCpu | null): number | null {
  if (before === null || after === null) return null;
  const total = after.total - before.total;
  if (total <= 0) return null;
  return Number((((after.steal - before.steal) / total) * 100).toFixed(1));
}

/** Above this share of stolen CPU a run's rates are not comparable with a quiet run's. */
export const STEAL_WARNING_PERCENT = 5;

/** `CPU stolen by the host: 0.4%` (with a warning above the threshold), or a note that it is unknown. */
export function stealLine(percent: number | null): string {
  if (percent === null) return "CPU stolen by the host: not known (no /proc/stat)";
  const warn =
    percent >= STEAL_WARNING_PERCENT ? " — WARNING: rates are lower than on a quiet host" : "";
  return `CPU stolen by the host during the run: ${percent}%${warn}`;
}
