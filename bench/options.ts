// The benchmark's knobs: the only place the bench reads its environment and command line.

/** What one `npm run bench` was asked to do. */
export interface BenchOptions {
  /** Multiplies every event/document count (LABELHOOK_BENCH_SCALE, default 1); 0.1 gives a quick run. */
  scale: number;
  /** Scenario names to run (`--only a,b`); null runs them all. */
  only: string[] | null;
  /** PostgreSQL server for the PostgreSQL rows (LABELHOOK_BENCH_POSTGRES_URL); null skips them. */
  postgresUrl: string | null;
  /** How many times the short measurements repeat (median reported); `--repeat N`, default 3. */
  repeats: number;
  /** Where results.json goes (`--out PATH`). */
  outFile: string;
  /** Record a CPU profile of the server processes into this folder (`--cpu-prof DIR`). */
  cpuProfDir: string | null;
}

/** Parses `--only`, `--repeat`, `--out`, `--cpu-prof` and the LABELHOOK_BENCH_* variables. */
export function parseOptions(argv: string[], env: Record<string, string | undefined>, defaultOut: string): BenchOptions {
  const scale = env.LABELHOOK_BENCH_SCALE ? Number(env.LABELHOOK_BENCH_SCALE) : 1;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`LABELHOOK_BENCH_SCALE: "${env.LABELHOOK_BENCH_SCALE}" must be a positive number.`);
  const options: BenchOptions = {
    scale,
    only: null,
    postgresUrl: env.LABELHOOK_BENCH_POSTGRES_URL || null,
    repeats: 3,
    outFile: defaultOut,
    cpuProfDir: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value.`);
      return v;
    };
    if (flag === '--only') options.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (flag === '--repeat') options.repeats = Math.max(1, Number.parseInt(value(), 10) || 1);
    else if (flag === '--out') options.outFile = value();
    else if (flag === '--cpu-prof') options.cpuProfDir = value();
    else throw new Error(`Unknown argument "${arg}" (known: --only NAME[,NAME], --repeat N, --out PATH, --cpu-prof DIR).`);
  }
  return options;
}

/** `n` scaled by LABELHOOK_BENCH_SCALE, never below `min`. */
export function scaled(options: Pick<BenchOptions, 'scale'>, n: number, min = 1): number {
  return Math.max(min, Math.round(n * options.scale));
}
