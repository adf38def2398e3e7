import type { Command } from 'commander';
import { loadConfig } from '../../config.js';

/** `labelhook migrate`: applies pending migrations and exits. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = loadConfig();
      // Loaded lazily so client commands (import, listen, ...) start without the database drivers.
      const { migrate, openStore } = await import('../../store/db.js');
      const store = openStore(config.databaseUrl);
      try {
        const applied = await migrate(store);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      } finally {
        await store.close();
      }
    });
}
