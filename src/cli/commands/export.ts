import { Option, type Command } from 'commander';
import { EXPORT_FORMATS, EXPORT_STATUSES } from '../../export/export-options.js';
import { createApiClient } from '../api-client.js';
import { clientOptionsOf, withClientOptions } from '../client-options.js';
import { colorsFor } from '../colors.js';
import { createExportProgress } from '../export/export-progress.js';
import { runExport } from '../export/run-export.js';
import { formatBytes, formatDuration } from '../import/progress.js';

interface ExportFlags {
  format: string;
  status?: string;
  since?: string;
  output?: string;
}

/** `labelhook export PROJECT_ID`: streams the project's documents with their labels to a file or stdout, with progress. */
export function registerExportCommand(program: Command): void {
  const command = program
    .command('export')
    .description("export a project's documents with their labels (JSONL, Label Studio JSON, CoNLL/IOB2 or CSV)")
    .argument('<projectId>', 'the project to export')
    .addOption(new Option('--format <format>', 'file format').choices([...EXPORT_FORMATS]).default('jsonl'))
    .addOption(new Option('--status <status>', 'which documents (default: all)').choices([...EXPORT_STATUSES]))
    .option('--since <time>', 'only documents changed at or after this ISO 8601 time')
    .option('-o, --output <file>', 'write to this file (default: stdout)')
    .addHelpText('after', '\nExamples:\n  $ labelhook export prj_123 -o train.jsonl\n  $ labelhook export prj_123 --format conll --status reviewed -o train.conll\n  $ labelhook export prj_123 --format csv --since 2026-01-01T00:00:00Z > new.csv');
  withClientOptions(command).action(async (projectId: string, flags: ExportFlags, cmd: Command) => {
    const api = createApiClient(clientOptionsOf(cmd));
    // With -o stdout is free for progress lines and the summary; without it stdout is the data, so both go to stderr.
    const report = flags.output && !process.stderr.isTTY ? process.stdout : process.stderr;
    const progress = createExportProgress(report, colorsFor(report, process.env));
    const summary = await runExport(api, { projectId, format: flags.format, status: flags.status, since: flags.since, output: flags.output }, progress);
    const colors = colorsFor(report, process.env);
    const rate = Math.round(summary.documents / Math.max(summary.elapsedMs / 1000, 0.001));
    report.write(
      `${colors.green('Exported')} ${summary.documents} documents of ${projectId} (${flags.format}, ${formatBytes(summary.bytes)}, ${formatDuration(summary.elapsedMs)}, ${rate} docs/s)` +
        `${flags.output ? ` to ${flags.output}` : ''}.\n`,
    );
  });
}
