import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import type { Page } from '../api/types.ts';
import { formatTime } from '../format.ts';
import { useAsync, useInterval } from '../hooks/use-async.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/** An export job as `POST /projects/{id}/exports` and `GET /exports/{id}` answer it (docs/export.md). */
export interface ExportJob {
  id: string;
  format: string;
  status: string;
  trigger: string;
  state: 'queued' | 'running' | 'completed' | 'failed';
  documentCount: number | null;
  labelCount: number | null;
  byteSize: number | null;
  error: string | null;
  createdAt: string;
  downloadUrl: string | null;
}

const FORMATS = [
  { value: 'jsonl', label: 'JSONL (labelhook)' },
  { value: 'label-studio', label: 'Label Studio JSON' },
  { value: 'conll', label: 'CoNLL / IOB2 (spans)' },
  { value: 'csv', label: 'CSV (row and document labels)' },
];
const STATUSES = [
  { value: 'all', label: 'All documents' },
  { value: 'completed', label: 'Completed' },
  { value: 'reviewed', label: 'Reviewed' },
];

function size(bytes: number | null): string {
  if (bytes === null) return '';
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The project page's Export panel: makes an export file in the chosen format and follows the job until it can be downloaded. */
export function ExportPanel({ projectId }: { projectId: string }) {
  const { api } = useSession();
  const [format, setFormat] = useState('jsonl');
  const [status, setStatus] = useState('all');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const jobs = useAsync(() => api.request<Page<ExportJob>>('GET', `/projects/${projectId}/exports`, undefined, { limit: 5 }), [api, projectId]);
  const pending = (jobs.data?.data ?? []).some((j) => j.state === 'queued' || j.state === 'running');
  // Follow unfinished jobs; the runner usually needs a moment.
  useInterval(jobs.reload, pending ? 1000 : null);
  const start = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.request<ExportJob>('POST', `/projects/${projectId}/exports`, { format, status });
      jobs.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby={`export-${projectId}`}>
      <h2 id={`export-${projectId}`}>Export</h2>
      <p class="dim">Makes a file of the project's documents with their labels; subscribers to EXPORT_COMPLETED get its link too.</p>
      <div class="form-row">
        <label>
          Format{' '}
          <select value={format} onChange={(e) => setFormat((e.target as HTMLSelectElement).value)}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Documents{' '}
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" disabled={busy} onClick={() => void start()}>
          {busy ? 'Starting…' : 'Export'}
        </button>
      </div>
      <div aria-live="polite">
        {error ? <ErrorMessage error={error} /> : null}
        {jobs.error ? <ErrorMessage error={jobs.error} onRetry={jobs.reload} /> : null}
        {jobs.data && jobs.data.data.length > 0 ? (
          <ul class="plain" aria-label="Recent exports">
            {jobs.data.data.map((j) => (
              <li key={j.id} data-export-id={j.id}>
                <StatusBadge status={j.state} /> <code>{j.format}</code> · {j.status} · <span class="dim small">{formatTime(j.createdAt)}</span>
                {j.state === 'completed' ? (
                  <>
                    {' '}
                    · {j.documentCount} documents, {j.labelCount} labels, {size(j.byteSize)}{' '}
                    {j.downloadUrl ? (
                      <a href={j.downloadUrl} download>
                        Download
                      </a>
                    ) : (
                      <span class="dim">file pruned</span>
                    )}
                  </>
                ) : null}
                {j.state === 'failed' ? <span class="small"> · {j.error}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}
