import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import type { TestAnswer } from '../api/types.ts';
import { href } from '../router.ts';
import { AttemptView } from './AttemptView.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

/** Sends a PING to the webhook now and shows the receiver's answer inline. */
export function TestEventPanel({ webhookId, onSent }: { webhookId: string; onSent?: () => void }) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState<TestAnswer | null>(null);
  const [error, setError] = useState<Error | null>(null);
  return (
    <section class="panel" aria-labelledby={`test-${webhookId}`}>
      <h2 id={`test-${webhookId}`}>Test</h2>
      <p class="dim">Sends a signed PING event right now, outside the queue.</p>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            setAttempt(await api.sendTest(webhookId));
            onSent?.();
          } catch (err) {
            setError(err instanceof Error ? err : new Error(String(err)));
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? 'Sending…' : 'Send test event'}
      </button>
      <div aria-live="polite" class="test-result">
        {error ? <ErrorMessage error={error} /> : null}
        {attempt ? <AttemptView attempt={attempt} title="Test PING" open /> : null}
        {attempt?.deliveryId ? (
          <p class="small">
            Logged as <a href={href(`/deliveries/${attempt.deliveryId}`)}>a delivery</a>.
          </p>
        ) : null}
      </div>
    </section>
  );
}
