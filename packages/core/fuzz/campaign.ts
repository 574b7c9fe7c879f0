/**
 * The fuzzing campaign: fast-check draws a seed from the pool (corpus plus
 * inputs kept so far), a few mutations, a splice partner and the targets'
 * configuration; the oracles run the mutated input. Inputs that reach new
 * code blocks (V8 block coverage, coverage.ts) or show a new behaviour (the
 * sequence of events and error codes) join the pool. A new violation is
 * shrunk by fast-check, then minimized octet-wise, and written to
 * fuzz/crashes/; violations already known are only counted.
 */
import fc from "fast-check";
import { checkInput, checkTarget, type FuzzCase, type InputKind } from "./cases.ts";
import { loadCorpus, loadCrashes, type Seed, saveCrash } from "./corpus.ts";
import type { Coverage } from "./coverage.ts";
import { applyMutations, type Mutation, mutationArb } from "./mutators.ts";
import { escaped, Violation } from "./violation.ts";

/** How to run a campaign. */
export interface CampaignOptions {
  readonly durationMs: number;
  /** fast-check seed of the first run (later runs derive theirs). */
  readonly seed: number;
  /** Coverage feedback, or `null` to run on behaviour novelty alone. */
  readonly coverage: Coverage | null;
  readonly log: (line: string) => void;
}

/** A new violation found by the campaign. */
export interface Finding {
  readonly violation: Violation;
  readonly kind: InputKind;
  readonly input: Uint8Array;
  readonly path: string;
}

/** What a campaign did. */
export interface CampaignResult {
  readonly inputs: number;
  readonly ms: number;
  readonly corpus: number;
  readonly pool: number;
  readonly blocks: number;
  readonly behaviours: number;
  readonly findings: Finding[];
  /** Hits per violation signature (new and known). */
  readonly hits: Map<string, number>;
}

interface Draw {
  readonly seed: number;
  readonly partner: number;
  readonly cross: number;
  readonly edits: Mutation[];
  readonly lenient: boolean;
  readonly methods: string[];
  readonly smallLimits: boolean;
  readonly end: boolean;
  readonly onSwitch: "resume" | "take";
  readonly cuts: number[];
  readonly program: [number, number][];
  readonly errorResponses: "auto" | "app";
}

const draw: fc.Arbitrary<Draw> = fc.record({
  seed: fc.nat(),
  partner: fc.nat(),
  cross: fc.nat(15),
  edits: fc.array(mutationArb, { minLength: 1, maxLength: 6 }),
  lenient: fc.boolean(),
  methods: fc.array(fc.constantFrom("GET", "HEAD", "CONNECT", "POST"), { maxLength: 4 }),
  smallLimits: fc.nat(3).map((n) => n === 0),
  end: fc.boolean(),
  onSwitch: fc.constantFrom("resume" as const, "take" as const),
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
  program: fc.array(fc.tuple(fc.nat(11), fc.nat(255)), { maxLength: 32 }),
  errorResponses: fc.constantFrom("auto" as const, "app" as const),
});

const MAX_POOL = 5000;
const MIN_BATCH = 8;
const MAX_BATCH = 512;

function caseOf(d: Draw, kind: InputKind): FuzzCase {
  return {
    parser: {
      kind,
      lenient: d.lenient,
      methods: d.methods,
      smallLimits: d.smallLimits,
      end: d.end,
      onSwitch: d.onSwitch,
      cuts: d.cuts,
    },
    session: {
      cuts: d.cuts,
      program: d.program,
      errorResponses: d.errorResponses,
      smallLimits: d.smallLimits,
    },
    client: { cuts: d.cuts, program: d.program, smallLimits: d.smallLimits },
  };
}

/** Whether `input` still shows the violation with `signature` on `target`. */
function stillFails(input: Uint8Array, v: Violation, c: FuzzCase): boolean {
  try {
    checkTarget(input, v.target, c);
    return false;
  } catch (e) {
    return e instanceof Violation && e.signature === v.signature;
  }
}

/** Delta debugging over octets: drops spans while the same violation remains. */
export function minimize(
  input: Uint8Array,
  v: Violation,
  c: FuzzCase,
  budgetMs = 5000,
): Uint8Array {
  const stop = performance.now() + budgetMs;
  let cur = input;
  let n = 2;
  while (cur.length >= 2 && performance.now() < stop) {
    const size = Math.ceil(cur.length / n);
    let reduced = false;
    for (let i = 0; i < cur.length; i += size) {
      const cand = new Uint8Array(cur.length - Math.min(size, cur.length - i));
      cand.set(cur.subarray(0, i), 0);
      cand.set(cur.subarray(i + size), i);
      if (stillFails(cand, v, c)) {
        cur = cand;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= cur.length) break;
      n = Math.min(cur.length, n * 2);
    }
  }
  return cur;
}

/** Runs a campaign for `options.durationMs`. */
export function runCampaign(options: CampaignOptions): CampaignResult {
  const { coverage, log } = options;
  const corpus = loadCorpus();
  const pool: Seed[] = [...corpus];
  const hits = new Map<string, number>();
  for (const c of loadCrashes()) hits.set(c.signature, 0);
  const behaviours = new Set<string>();
  const findings: Finding[] = [];
  let inputs = 0;
  let failing = false;
  let batch: { input: Uint8Array; kind: InputKind; c: FuzzCase }[] = [];
  let batchSize = MIN_BATCH;
  const start = performance.now();
  const deadline = start + options.durationMs;
  let lastLog = start;

  const admit = (input: Uint8Array, kind: InputKind) => {
    if (pool.length < MAX_POOL) pool.push({ name: `kept-${pool.length}`, kind, bytes: input });
  };
  const runQuietly = (i: number) => {
    const b = batch[i]!;
    try {
      checkInput(b.input, b.kind, b.c);
    } catch {
      // counted when first run
    }
  };
  const endBatch = () => {
    if (coverage !== null && batch.length > 0) {
      const fresh = coverage.fresh(coverage.take());
      if (fresh.length > 0) {
        for (const i of coverage.bisect([...batch.keys()], runQuietly, fresh)) {
          admit(batch[i]!.input, batch[i]!.kind);
        }
      }
      // Small batches while new blocks are frequent (cheap to bisect), large ones once rare.
      batchSize =
        fresh.length > 0 ? Math.max(MIN_BATCH, batchSize >> 1) : Math.min(MAX_BATCH, batchSize * 2);
    }
    batch = [];
  };

  const property = fc.property(draw, (d) => {
    const base = pool[d.seed % pool.length]!;
    const partner = pool[d.partner % pool.length]!;
    const input = applyMutations(base.bytes, partner.bytes, d.edits);
    const kind: InputKind =
      d.cross === 0 ? (base.kind === "request" ? "response" : "request") : base.kind;
    const c = caseOf(d, kind);
    inputs++;
    try {
      const sig = checkInput(input, kind, c);
      if (!failing) {
        if (!behaviours.has(sig)) {
          behaviours.add(sig);
          admit(input, kind);
        }
        batch.push({ input, kind, c });
        if (batch.length >= batchSize) endBatch();
      }
    } catch (e) {
      if (!(e instanceof Violation)) throw e;
      const seen = hits.get(e.signature);
      if (seen !== undefined) {
        hits.set(e.signature, seen + 1);
        return;
      }
      failing = true;
      throw e;
    }
    const now = performance.now();
    if (now - lastLog > 5000) {
      lastLog = now;
      const rate = Math.round(inputs / ((now - start) / 1000));
      log(
        `${Math.round((now - start) / 1000)}s: ${inputs} inputs (${rate}/s), pool ${pool.length}, ` +
          `blocks ${coverage?.size ?? "-"}, behaviours ${behaviours.size}, new crashes ${findings.length}`,
      );
    }
  });

  let seed = options.seed;
  while (performance.now() < deadline) {
    failing = false;
    const details = fc.check(property, {
      seed,
      numRuns: Number.MAX_SAFE_INTEGER,
      interruptAfterTimeLimit: Math.max(1, deadline - performance.now()),
      markInterruptAsFailure: false,
    });
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    if (!details.failed || details.counterexample === null) continue;
    const d = details.counterexample[0];
    const base = pool[d.seed % pool.length]!;
    const partner = pool[d.partner % pool.length]!;
    const raw = applyMutations(base.bytes, partner.bytes, d.edits);
    const kind: InputKind =
      d.cross === 0 ? (base.kind === "request" ? "response" : "request") : base.kind;
    const c = caseOf(d, kind);
    let v: Violation | null = null;
    try {
      checkInput(raw, kind, c);
    } catch (e) {
      if (e instanceof Violation) v = e;
    }
    if (v === null) continue; // not reproducible after shrinking: keep going
    const input = minimize(raw, v, c);
    let final = v;
    try {
      checkTarget(input, v.target, c);
    } catch (e) {
      if (e instanceof Violation) final = e;
    }
    hits.set(final.signature, (hits.get(final.signature) ?? 0) + 1);
    hits.set(v.signature, (hits.get(v.signature) ?? 0) + 1);
    const path = saveCrash(final, kind, input, c);
    findings.push({ violation: final, kind, input, path });
    log(`NEW ${final.oracle} on ${final.target}: ${final.message}\n  input "${escaped(input)}"`);
  }
  endBatch();
  return {
    inputs,
    ms: performance.now() - start,
    corpus: corpus.length,
    pool: pool.length,
    blocks: coverage?.size ?? 0,
    behaviours: behaviours.size,
    findings,
    hits,
  };
}
