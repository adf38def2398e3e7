import type { Progress } from '../progress.ts';

function Bar({ label, value, total }: { label: string; value: number; total: number }) {
  return (
    <div class="progress-row">
      <span>
        {label}: <strong data-testid={`progress-${label.toLowerCase()}`}>{value}</strong> of {total}
      </span>
      <progress max={Math.max(total, 1)} value={value} aria-label={`${label}: ${value} of ${total} documents`} />
    </div>
  );
}

/** Documents completed (labeler mode) and reviewed (reviewer mode) of all active documents. */
export function ProjectProgress({ progress }: { progress: Progress }) {
  return (
    <section class="panel progress" aria-label="Progress">
      <Bar label="Completed" value={progress.completed} total={progress.total} />
      <Bar label="Reviewed" value={progress.reviewed} total={progress.total} />
      {progress.excluded ? (
        <p class="dim small">
          {progress.excluded === 1 ? '1 excluded document is' : `${progress.excluded} excluded documents are`} not counted.
        </p>
      ) : null}
    </section>
  );
}
