import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import type { SecretAnswer } from '../api/types.ts';
import { formatTime } from '../format.ts';
import { ConfirmButton } from './ConfirmButton.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

/** Reveal and rotate a webhook's signing secret; after a rotation both secrets sign until the overlap ends. */
export function SecretPanel({ webhookId, canManage }: { webhookId: string; canManage: boolean }) {
  const { api } = useSession();
  const [secret, setSecret] = useState<SecretAnswer | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = async (fn: () => Promise<SecretAnswer>, message: string | null) => {
    setError(null);
    try {
      setSecret(await fn());
      setNotice(message);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  return (
    <section class="panel" aria-labelledby={`secret-${webhookId}`}>
      <h2 id={`secret-${webhookId}`}>Signing secret</h2>
      {secret ? (
        <>
          <p>
            <code class="secret" data-testid="secret-value">
              {secret.secret}
            </code>{' '}
            <button type="button" class="link" onClick={() => void navigator.clipboard?.writeText(secret.secret)}>
              Copy
            </button>
          </p>
          {secret.previousSecret || secret.previousSecretExpiresAt ? (
            <p class="dim small">The previous secret also signs requests until {formatTime(secret.previousSecretExpiresAt ?? null)}.</p>
          ) : null}
        </>
      ) : (
        <p class="dim">Hidden. Receivers use it to verify signatures.</p>
      )}
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
      <div class="actions">
        {secret ? (
          <button type="button" class="secondary" onClick={() => setSecret(null)}>
            Hide secret
          </button>
        ) : (
          <button type="button" class="secondary" onClick={() => run(() => api.getSecret(webhookId), null)}>
            Reveal secret
          </button>
        )}
        {canManage ? (
          <ConfirmButton
            label="Rotate secret"
            question="Make a new secret? The old one keeps signing during the overlap window."
            confirmLabel="Rotate now"
            onConfirm={() => run(() => api.rotateSecret(webhookId), 'Secret rotated. Update your receiver before the overlap ends.')}
          />
        ) : null}
      </div>
    </section>
  );
}
