import { Option, type Command } from 'commander';
import { CliUsageError } from '../../errors.js';
import { createApiClient } from '../api-client.js';
import { clientOptionsOf, withClientOptions } from '../client-options.js';
import { colorsFor } from '../colors.js';
import { createProgressReporter, formatDuration } from '../import/progress.js';
import { runImport, type DuplicateKeyPolicy } from '../import/run-import.js';
import { IMPORT_FORMATS, openSource, type ImportFormat } from '../import/sources.js';

interface ImportFlags {
  format?: ImportFormat;
  column?: string;
  chunk: string;
  onDuplicateKey: DuplicateKeyPolicy;
}

/** `labelhook import PROJECT_ID FILE|FOLDER`: streams documents into a project in chunks, with progress. */
export function registerImportCommand(program: Command): void {
  const command = program
    .command('import')
    .description('import documents into a project from JSONL, a JSON array, CSV or plain text (a file, or a folder of files)')
    .argument('<projectId>', 'the project to import into')
    .argument('<path>', 'a file, or a folder (one document per file)')
    .addOption(new Option('--format <format>', 'input format (default: from the file extension)').choices([...IMPORT_FORMATS]))
    .option('--column <name>', 'the field (JSON) or column (CSV) holding the text (CSV default: text)')
    .option('--chunk <n>', 'documents per request; each request is one TASKS_CREATED event', '1000')
    .addOption(
      new Option('--on-duplicate-key <policy>', 'a key already in the project: fail (409, that chunk and the rest are not imported) or overwrite (replace it in place, TASKS_UPDATED)')
        .choices(['fail', 'overwrite'])
        .default('fail'),
    )
    .addHelpText(
      'after',
      '\nFormats:\n' +
        '  jsonl  one JSON value per line: {"key", "name", "text", "data"} or a string\n' +
        '  json   a JSON array of such values\n' +
        '  csv    a header row; the text column (--column, default "text"); key and name columns are used when present\n' +
        '  text   one document per non-empty line, or one per file of a folder\n' +
        '\nExamples:\n  $ labelhook import prj_123 data.jsonl\n  $ labelhook import prj_123 reviews.csv --column body --chunk 500\n  $ labelhook import prj_123 ./letters/\n' +
        '  $ labelhook import prj_123 data.jsonl --on-duplicate-key overwrite   # re-import corrected documents by key',
    );
  withClientOptions(command).action(async (projectId: string, path: string, flags: ImportFlags, cmd: Command) => {
    const chunkSize = Number(flags.chunk);
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 100_000) throw new CliUsageError(`--chunk: "${flags.chunk}" must be a whole number from 1 to 100000.`);
    const api = createApiClient(clientOptionsOf(cmd));
    const source = await openSource(path, flags.format, flags.column);
    const colors = colorsFor(process.stdout, process.env);
    // The live bar goes to stderr on a terminal so stdout stays clean for the summary; without a TTY, plain lines on stdout.
    const progress = createProgressReporter(process.stderr.isTTY ? process.stderr : process.stdout, colorsFor(process.stderr, process.env));
    const summary = await runImport(api, projectId, source, { chunkSize, onDuplicateKey: flags.onDuplicateKey }, progress);
    const rate = Math.round(summary.documents / Math.max(summary.elapsedMs / 1000, 0.001));
    process.stdout.write(
      `${colors.green('Imported')} ${summary.documents} documents into ${projectId} in ${summary.chunks} chunk${summary.chunks === 1 ? '' : 's'} ` +
        `(${source.format}, ${formatDuration(summary.elapsedMs)}, ${rate} docs/s${flags.onDuplicateKey === 'overwrite' ? ', known keys overwritten' : ''}).\n`,
    );
  });
}
