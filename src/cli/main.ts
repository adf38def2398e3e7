import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerExportCommand } from './commands/export.js';
import { registerImportCommand } from './commands/import.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerListenCommand } from './commands/listen.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerServeCommand } from './commands/serve.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerWebhooksCommand } from './commands/webhooks.js';
import { registerWorkerCommand } from './commands/worker.js';

/** Entry point of the `labelhook` command. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('labelhook').description('labeling projects with dependable webhook notifications').version(VERSION);
  registerServeCommand(program);
  registerWorkerCommand(program);
  registerMigrateCommand(program);
  registerListenCommand(program);
  registerImportCommand(program);
  registerExportCommand(program);
  registerVerifyCommand(program);
  registerKeysCommand(program);
  registerWebhooksCommand(program);
  await program.parseAsync(argv);
}
