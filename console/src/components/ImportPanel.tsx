import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import type { ImportFormat, ParsedFile } from '../../../src/import-format/index.ts';
import { importChunks, readImportFile } from '../import-file.ts';

type Stage =
  | { kind: 'idle' }
  | { kind: 'read'; file: string; format: ImportFormat; parsed: ParsedFile }
  | { kind: 'sending'; file: string; sent: number; total: number }
  | { kind: 'done'; file: string; sent: number }
  | { kind: 'failed'; message: string; sent: number };

const MAX_ERRORS_SHOWN = 50;

/** Import documents into a project by choosing or dropping a file (JSONL, JSON array, CSV/TSV, plain text). Admins only. */
export function ImportPanel({ projectId, onImported }: { projectId: string; onImported: () => void }) {
  const { api } = useSession();
  const [format, setFormat] = useState<ImportFormat | ''>('');
  const [column, setColumn] = useState('');
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [over, setOver] = useState(false);

  const read = async (file: File | undefined) => {
    if (!file) return;
    const r = await readImportFile(file, format || undefined, column.trim() || undefined);
    if ('error' in r) setStage({ kind: 'failed', message: r.error, sent: 0 });
    else setStage({ kind: 'read', file: file.name, format: r.format, parsed: r.parsed });
  };

  const send = async () => {
    if (stage.kind !== 'read') return;
    const docs = stage.parsed.documents.map((d) => d.doc);
    const total = docs.length;
    let sent = 0;
    setStage({ kind: 'sending', file: stage.file, sent, total });
    for (const chunk of importChunks(docs)) {
      try {
        await api.importDocuments(projectId, chunk);
      } catch (err) {
        setStage({ kind: 'failed', message: `${err instanceof Error ? err.message : String(err)} ${sent} documents before this request were imported.`, sent });
        onImported();
        return;
      }
      sent += chunk.length;
      setStage({ kind: 'sending', file: stage.file, sent, total });
    }
    setStage({ kind: 'done', file: stage.file, sent });
    onImported();
  };

  return (
    <section class="panel import-panel" aria-labelledby="import-title">
      <h2 id="import-title">Import documents</h2>
      <div class="inline-fields">
        <div class="field">
          <label for="import-format">Format</label>
          <select id="import-format" value={format} onChange={(e) => setFormat(e.currentTarget.value as ImportFormat | '')}>
            <option value="">From the file name</option>
            <option value="jsonl">JSONL (one JSON value per line)</option>
            <option value="json">JSON array</option>
            <option value="csv">CSV / TSV</option>
            <option value="text">Plain text (one document per line)</option>
          </select>
        </div>
        <div class="field">
          <label for="import-column">Text field or column</label>
          <input id="import-column" value={column} placeholder="text" onInput={(e) => setColumn(e.currentTarget.value)} />
        </div>
      </div>
      <label
        class={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void read(e.dataTransfer?.files[0]);
        }}
      >
        <span>Drop a file here, or choose one</span>
        <input type="file" aria-label="Document file" accept=".jsonl,.ndjson,.json,.csv,.tsv,.txt,.text" onChange={(e) => void read(e.currentTarget.files?.[0])} />
      </label>
      {stage.kind === 'read' ? (
        <div class="import-summary">
          <p role="status">
            <strong>{stage.file}</strong> ({stage.format}): {stage.parsed.documents.length} document{stage.parsed.documents.length === 1 ? '' : 's'} to import
            {stage.parsed.errors.length ? `, ${stage.parsed.errors.length} line${stage.parsed.errors.length === 1 ? '' : 's'} with errors (left out)` : ''}.
          </p>
          {stage.parsed.errors.length ? (
            <ul class="line-errors" aria-label="Lines with errors">
              {stage.parsed.errors.slice(0, MAX_ERRORS_SHOWN).map((e, i) => (
                <li key={i}>{e.message}</li>
              ))}
              {stage.parsed.errors.length > MAX_ERRORS_SHOWN ? <li>… and {stage.parsed.errors.length - MAX_ERRORS_SHOWN} more.</li> : null}
            </ul>
          ) : null}
          <div class="actions">
            <button type="button" disabled={stage.parsed.documents.length === 0} onClick={() => void send()}>
              Import {stage.parsed.documents.length} documents
            </button>
            <button type="button" class="secondary" onClick={() => setStage({ kind: 'idle' })}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {stage.kind === 'sending' ? (
        <div class="import-progress">
          <label for="import-bar">
            Importing {stage.file}: {stage.sent} of {stage.total} documents
          </label>
          <progress id="import-bar" max={stage.total} value={stage.sent} />
        </div>
      ) : null}
      {stage.kind === 'done' ? (
        <p class="notice" role="status">
          Imported {stage.sent} documents from {stage.file}.
        </p>
      ) : null}
      {stage.kind === 'failed' ? (
        <p class="error" role="alert">
          {stage.message}
        </p>
      ) : null}
    </section>
  );
}
