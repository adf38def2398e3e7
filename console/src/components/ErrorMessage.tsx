/** An error state with the server's message and, when given, a way to try again. */
export function ErrorMessage({ error, onRetry }: { error: Error | string; onRetry?: () => void }) {
  const message = typeof error === 'string' ? error : error.message;
  return (
    <div class="error" role="alert">
      <span>{message}</span>
      {onRetry ? (
        <button type="button" class="secondary" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
