import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import type { ApiKeyItem, Role } from '../api/types.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Loading } from '../components/Loading.tsx';
import { formatTime } from '../format.ts';
import { useAsync } from '../hooks/use-async.ts';

// The API's rule for member emails (POST /members): something@something, no spaces, 3–320 characters.
const EMAIL = /^\s*[^\s@]+@[^\s@]+\s*$/;

/** A secret shown once, with the reminder that it cannot be shown again. */
function ShownOnce({ title, value }: { title: string; value: string }) {
  return (
    <div class="notice" role="status">
      <p>
        {title} <strong>Copy it now: it is shown only once.</strong>
      </p>
      <code class="secret" data-testid="new-key">
        {value}
      </code>
    </div>
  );
}

function AddMember({ onAdded }: { onAdded: () => void }) {
  const { api } = useSession();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('labeler');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ email: string; key: string } | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setCreated(null);
    if (email.length < 3 || email.length > 320 || !EMAIL.test(email)) {
      setError('Enter an email address such as ann@example.com.');
      return;
    }
    setError(null);
    try {
      const m = await api.createMember({ email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}), role });
      setCreated({ email: m.email, key: m.apiKey });
      setEmail('');
      setName('');
      onAdded();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="panel" onSubmit={submit} noValidate aria-labelledby="add-member-title">
      <h2 id="add-member-title">Add a member</h2>
      <div class="inline-fields">
        <div class="field">
          <label for="member-email">Email</label>
          <input id="member-email" type="email" value={email} maxLength={320} aria-invalid={error ? 'true' : undefined} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="member-name">Name</label>
          <input id="member-name" value={name} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="member-role">Role</label>
          <select id="member-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <option value="labeler">labeler</option>
            <option value="reviewer">reviewer</option>
            <option value="admin">admin</option>
          </select>
        </div>
        <div class="field">
          <button type="submit">Add member</button>
        </div>
      </div>
      {error ? <ErrorMessage error={error} /> : null}
      {created ? <ShownOnce title={`API key of ${created.email}.`} value={created.key} /> : null}
    </form>
  );
}

/** The team's keys (prefix, name, member), each revocable after a confirmation. */
function KeyTable({ keys, onRevoke }: { keys: ApiKeyItem[]; onRevoke: (id: string) => Promise<void> }) {
  return (
    <div class="table-wrap">
      <table class="list">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Member</th>
            <th scope="col" class="hide-narrow">Created</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} data-key-id={k.id}>
              <td>
                <code>{k.prefix}…</code> {k.name}
              </td>
              <td>{k.member.email}</td>
              <td class="hide-narrow">{formatTime(k.createdAt)}</td>
              <td>
                {k.revokedAt ? (
                  <span class="badge badge-muted">revoked</span>
                ) : (
                  <ConfirmButton label="Revoke" danger question="Revoke this key? It stops working at once." confirmLabel="Revoke key" onConfirm={() => onRevoke(k.id)} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Keys({ members, version }: { members: { id: string; email: string }[]; version: number }) {
  const { api } = useSession();
  const keys = useAsync(() => api.listKeys({ limit: 1000 }), [api, version]);
  const [memberId, setMemberId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ email: string; key: string } | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const k = await api.createKey({ ...(memberId ? { memberId } : {}), ...(name.trim() ? { name: name.trim() } : {}) });
      setCreated({ email: k.member.email, key: k.key });
      setName('');
      keys.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section class="panel" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <form class="inline-fields" onSubmit={create}>
        <div class="field">
          <label for="key-member">For member</label>
          <select id="key-member" value={memberId} onChange={(e) => setMemberId(e.currentTarget.value)}>
            <option value="">Me</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.email}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="key-name">Key name</label>
          <input id="key-name" value={name} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <button type="submit">Create key</button>
        </div>
      </form>
      {error ? <ErrorMessage error={error} /> : null}
      {created ? <ShownOnce title={`New API key of ${created.email}.`} value={created.key} /> : null}
      {keys.error ? <ErrorMessage error={keys.error} onRetry={keys.reload} /> : null}
      {keys.data ? <KeyTable keys={keys.data.data} onRevoke={(id) => api.revokeKey(id).then(keys.reload, (err: Error) => setError(err.message))} /> : null}
    </section>
  );
}

/** The team (admins): its members and their roles, adding members, and the team's API keys. */
export function TeamPage() {
  const { api, me } = useSession();
  const [version, setVersion] = useState(0);
  const members = useAsync(() => api.listMembers({ limit: 1000 }), [api, version]);
  return (
    <section>
      <h1>Team {me.team.name}</h1>
      <AddMember onAdded={() => setVersion((v) => v + 1)} />
      <h2>Members</h2>
      {members.error ? <ErrorMessage error={members.error} onRetry={members.reload} /> : null}
      {members.loading && !members.data ? <Loading label="Loading members" /> : null}
      {members.data ? (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col" class="hide-narrow">Name</th>
                <th scope="col">Role</th>
              </tr>
            </thead>
            <tbody>
              {members.data.data.map((m) => (
                <tr key={m.id}>
                  <td>{m.email}</td>
                  <td class="hide-narrow">{m.name}</td>
                  <td>{m.role}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Keys members={members.data?.data ?? []} version={version} />
    </section>
  );
}
