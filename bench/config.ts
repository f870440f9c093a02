// How long and how often to measure: the full run and the `--quick` smoke run.

export interface BenchConfig {
  quick: boolean;
  /** Time budget of one measurement. */
  budgetMs: number;
  /** Implementations take turns in slices of this length within a measurement. */
  sliceMs: number;
  /** Untimed running of each implementation before its first measurement. */
  warmupMs: number;
  /** Measurements per implementation and workload; the median is reported. */
  repeats: number;
  /** Flows kept running at once in the in-flight mode of workloads 1–4 (`--in-flight`); 0 leaves that mode out. @default 32 */
  inFlight: number;
  /** Process instances created for the heap and event workloads. */
  instances: number;
  /** Where the JSON results go. */
  outFile: string;
  /** Measure the TypeScript source under tsx instead of the transpiled JavaScript (`--tsx`). */
  fromSource: boolean;
  /** Parts to run (`--only durable`, `--only flows,processes`). @default all of them */
  only: readonly BenchSection[];
  /** Waiting instances PostgreSQL recovers (`--pg-instances`). @default `instances` */
  pgInstances?: number;
}

/** The parts of the benchmark: workloads 1–4, 5–6, and the durable workloads 7–8. */
export const BENCH_SECTIONS = ['flows', 'processes', 'durable'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

function sections(text: string): BenchSection[] {
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(BENCH_SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--only expects ${BENCH_SECTIONS.join(', ')} (comma-separated), got "${text}"`);
  return names as BenchSection[];
}

const FULL = { budgetMs: 1500, sliceMs: 250, warmupMs: 800, repeats: 3, instances: 10_000, inFlight: 32 };
const QUICK = { budgetMs: 200, sliceMs: 100, warmupMs: 50, repeats: 1, instances: 2_000, inFlight: 32 };

/** `--quick`, `--tsx`, `--out <file>`, `--budget <ms>`, `--repeats <n>`, `--instances <n>`, `--in-flight <n>`, `--only <sections>`, `--pg-instances <n>`. Unknown flags are errors. */
export function parseArgs(argv: readonly string[]): BenchConfig {
  const quick = argv.includes('--quick');
  const base = quick ? QUICK : FULL;
  const config: BenchConfig = { quick, ...base, outFile: quick ? 'bench/results.quick.json' : 'bench/results.json', fromSource: argv.includes('--tsx'), only: BENCH_SECTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} expects a value`);
      return next;
    };
    const positive = (text: string) => {
      const n = Number(text);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg} expects a positive number, got "${text}"`);
      return n;
    };
    const count = (text: string) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${arg} expects a whole number ≥ 0, got "${text}"`);
      return n;
    };
    if (arg === '--quick' || arg === '--tsx') continue;
    else if (arg === '--out') config.outFile = value();
    else if (arg === '--budget') config.budgetMs = positive(value());
    else if (arg === '--repeats') config.repeats = Math.round(positive(value()));
    else if (arg === '--instances') config.instances = Math.round(positive(value()));
    else if (arg === '--in-flight') config.inFlight = count(value());
    else if (arg === '--only') config.only = sections(value());
    else if (arg === '--pg-instances') config.pgInstances = Math.round(positive(value()));
    else throw new Error(`Unknown option "${arg}" (known: --quick, --tsx, --out <file>, --budget <ms>, --repeats <n>, --instances <n>, --in-flight <n>, --only <${BENCH_SECTIONS.join('|')}>, --pg-instances <n>)`);
  }
  return config;
}
