const TONES: Record<string, string> = {
  succeeded: 'ok',
  ok: 'ok',
  enabled: 'ok',
  COMPLETED: 'ok',
  completed: 'ok',
  reviewed: 'ok',
  open: 'muted',
  excluded: 'muted',
  REVIEWED: 'ok',
  failed: 'bad',
  permanent: 'bad',
  disabled: 'muted',
  cancelled: 'muted',
  CREATED: 'muted',
  pending: 'warn',
  delivering: 'warn',
  retryable: 'warn',
  IN_PROGRESS: 'warn',
};

/** A coloured status word; the word itself carries the meaning, the colour only helps. */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${TONES[status] ?? 'muted'}`}>{status.replace('_', ' ').toLowerCase()}</span>;
}
