import { prettyBody } from '../format.ts';

/** A request or response body, pretty-printed when it is JSON. */
export function CodeBlock({ body, label, empty = '(empty)' }: { body: string | null | undefined; label: string; empty?: string }) {
  const text = prettyBody(body);
  return (
    <pre class="code" aria-label={label} tabIndex={0}>
      {text === '' ? <span class="dim">{empty}</span> : text}
    </pre>
  );
}
