import { href } from '../router.ts';

/** An unknown console address. */
export function NotFoundPage() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. Go to the <a href={href('/webhooks')}>webhooks</a>.
      </p>
    </section>
  );
}
