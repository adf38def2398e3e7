import { useSession } from '../api/context.ts';
import { useAsync } from '../hooks/use-async.ts';
import { CodeBlock } from './CodeBlock.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { HeadersTable } from './HeadersTable.tsx';
import { Loading } from './Loading.tsx';

/** The body a receiver gets for one event in one format, rendered by the server's own formatter. */
export function FormatSample({ format, eventType, sendPayload }: { format: string; eventType: string; sendPayload: boolean }) {
  const { api } = useSession();
  const sample = useAsync(() => api.formatSample(format, eventType, sendPayload), [api, format, eventType, sendPayload]);
  return (
    <div class="sample" aria-live="polite">
      {sample.error ? <ErrorMessage error={sample.error} onRetry={sample.reload} /> : null}
      {sample.loading && !sample.data ? <Loading label="Rendering a sample" /> : null}
      {sample.data ? (
        <>
          {sample.data.headers && Object.keys(sample.data.headers).length ? (
            <details>
              <summary>Format headers</summary>
              <HeadersTable headers={sample.data.headers} caption="Sample headers" />
            </details>
          ) : null}
          {sample.data.batched ? <p class="dim small">This format batches records, so one request carries a batch like this.</p> : null}
          <CodeBlock label={`Sample ${eventType} body in the ${format} format`} body={sample.data.body} />
        </>
      ) : null}
    </div>
  );
}
