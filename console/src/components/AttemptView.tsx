import type { Attempt } from '../api/types.ts';
import { formatMs, formatTime } from '../format.ts';
import { CodeBlock } from './CodeBlock.tsx';
import { HeadersTable } from './HeadersTable.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/** One attempt: what labelhook sent, what the receiver answered, how long it took and what went wrong. */
export function AttemptView({ attempt, title, open = false }: { attempt: Attempt; title: string; open?: boolean }) {
  const ok = attempt.responseStatus !== null && attempt.responseStatus >= 200 && attempt.responseStatus < 300 && !attempt.error;
  return (
    <details class="attempt" open={open} data-attempt-status={attempt.responseStatus ?? 'none'}>
      <summary>
        <span class="attempt-title">{title}</span>
        <StatusBadge status={attempt.outcome ?? (ok ? 'ok' : 'failed')} />
        <span>{attempt.responseStatus !== null ? `HTTP ${attempt.responseStatus}` : 'no response'}</span>
        <span class="dim">{formatMs(attempt.durationMs)}</span>
        <span class="dim hide-narrow">{formatTime(attempt.at)}</span>
      </summary>
      {attempt.error ? (
        <p class="error-text">
          <strong>Error:</strong> {attempt.error}
        </p>
      ) : null}
      <div class="attempt-grid">
        <div>
          <h4>Request{attempt.requestUrl ? <span class="dim small"> POST {attempt.requestUrl}</span> : null}</h4>
          <HeadersTable headers={attempt.requestHeaders} caption="Request headers" />
          <CodeBlock label="Request body" body={attempt.requestBody} />
        </div>
        <div>
          <h4>Response{attempt.responseStatus !== null ? ` ${attempt.responseStatus}` : ''}</h4>
          <HeadersTable headers={attempt.responseHeaders} caption="Response headers" />
          <CodeBlock label="Response body" body={attempt.responseBody} empty={attempt.responseStatus === null ? '(no response)' : '(empty body)'} />
        </div>
      </div>
    </details>
  );
}
