import { useState } from 'preact/hooks';
import { Api, ApiError } from '../api/client.ts';
import type { Me } from '../api/types.ts';

/** Sign-in with an API key; the key is checked with `GET /api/v1/me` before it is kept. */
export function SignInPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (key: string, me: Me) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter an API key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = await new Api(trimmed).me();
      onSignedIn(trimmed, me);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin" id="main">
      <form class="card" onSubmit={submit} aria-describedby="signin-help">
        <h1>labelhook</h1>
        <p id="signin-help" class="dim">
          Sign in with an API key of your team. <code>labelhook serve</code> prints the admin key on first start (or set{' '}
          <code>LABELHOOK_ADMIN_KEY</code>). The key stays in this tab only.
        </p>
        {notice ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="off"
          autoFocus
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'signin-error' : undefined}
        />
        {error ? (
          <p id="signin-error" class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
