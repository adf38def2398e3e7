import { useId, useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import { toLocalInput } from '../format.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

/** Replays a webhook's deliveries since a time: a dry run counts them first, then the count is confirmed. */
export function ReplayPanel({ webhookId, onReplayed }: { webhookId: string; onReplayed?: () => void }) {
  const { api } = useSession();
  const id = useId();
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 24 * 3600_000)));
  const [onlyFailed, setOnlyFailed] = useState(true);
  const [dryCount, setDryCount] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const call = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.replay(webhookId, { since: new Date(since).toISOString(), onlyFailed, dryRun });
      if (dryRun) {
        setDryCount(answer.count);
        setDone(null);
      } else {
        setDryCount(null);
        setDone(`${answer.count} ${answer.count === 1 ? 'delivery' : 'deliveries'} queued again.`);
        onReplayed?.();
      }
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  const reset = () => {
    setDryCount(null);
    setDone(null);
  };

  return (
    <section class="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Replay</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void call(true);
        }}
      >
        <div class="inline-fields">
          <div class="field">
            <label for={`${id}-since`}>Since</label>
            <input id={`${id}-since`} type="datetime-local" required value={since} onInput={(e) => { setSince(e.currentTarget.value); reset(); }} />
          </div>
          <label class="check">
            <input type="checkbox" checked={onlyFailed} onChange={(e) => { setOnlyFailed(e.currentTarget.checked); reset(); }} />
            Only failed deliveries
          </label>
        </div>
        <button type="submit" class="secondary" disabled={busy || !since}>
          Count deliveries to replay
        </button>
      </form>
      <div aria-live="polite">
        {dryCount !== null ? (
          dryCount === 0 ? (
            <p class="notice" role="status">
              Nothing to replay: no {onlyFailed ? 'failed ' : ''}deliveries since then.
            </p>
          ) : (
            <div class="confirm" role="group" aria-label="Confirm replay">
              <span data-testid="replay-count">
                {dryCount} {dryCount === 1 ? 'delivery' : 'deliveries'} will be sent again.
              </span>
              <button type="button" disabled={busy} onClick={() => void call(false)}>
                Replay {dryCount}
              </button>
              <button type="button" class="secondary" onClick={reset}>
                Cancel
              </button>
            </div>
          )
        ) : null}
        {done ? (
          <p class="notice" role="status">
            {done}
          </p>
        ) : null}
        {error ? <ErrorMessage error={error} /> : null}
      </div>
    </section>
  );
}
