import type { BenchOptions } from './options.js';
import type { Receiver } from './receiver.js';
import type { Figure } from './report.js';

/** What every scenario is handed. */
export interface BenchContext {
  options: BenchOptions;
  /** The shared receiver process; reset before each scenario. */
  receiver: Receiver;
  /** A fresh temporary folder for this scenario's databases. */
  tmpDir: string;
  /** Progress line on stderr (the table goes to stdout). */
  log(message: string): void;
}

/** One benchmark: a name for `--only`, and a run that returns its figures. */
export interface Scenario {
  name: string;
  run(ctx: BenchContext): Promise<Figure[]>;
}
