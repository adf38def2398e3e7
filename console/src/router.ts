import { useEffect, useState } from 'preact/hooks';

/** A matched console route: its name and path parameters. */
export interface Route {
  name:
    | 'projects'
    | 'project'
    | 'webhooks'
    | 'webhook-new'
    | 'webhook'
    | 'webhook-edit'
    | 'deliveries'
    | 'delivery'
    | 'project-new'
    | 'project-edit'
    | 'queue'
    | 'document'
    | 'team'
    | 'not-found';
  params: Record<string, string>;
  /** Query parameters after `?` in the hash (filters live there so a filtered log can be linked). */
  query: URLSearchParams;
}

const PATTERNS: [Route['name'], RegExp][] = [
  ['projects', /^\/projects\/?$/],
  ['project-new', /^\/projects\/new\/?$/],
  ['project-edit', /^\/projects\/(?<id>[^/]+)\/edit\/?$/],
  ['queue', /^\/projects\/(?<id>[^/]+)\/queue\/?$/],
  ['document', /^\/documents\/(?<id>[^/]+)\/?$/],
  ['team', /^\/team\/?$/],
  ['project', /^\/projects\/(?<id>[^/]+)\/?$/],
  ['webhooks', /^\/(webhooks\/?)?$/],
  ['webhook-new', /^\/webhooks\/new\/?$/],
  ['webhook-edit', /^\/webhooks\/(?<id>[^/]+)\/edit\/?$/],
  ['webhook', /^\/webhooks\/(?<id>[^/]+)\/?$/],
  ['deliveries', /^\/deliveries\/?$/],
  ['delivery', /^\/deliveries\/(?<id>[^/]+)\/?$/],
];

/** Matches a hash such as `#/webhooks/wh_1?status=failed` to a route. */
export function matchRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?', 2);
  const query = new URLSearchParams(search);
  for (const [name, re] of PATTERNS) {
    const m = re.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
      return { name, params, query };
    }
  }
  return { name: 'not-found', params: {}, query };
}

/** The route of the current location hash, updated on navigation. */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return matchRoute(hash);
}

/** Goes to a console path such as `/webhooks/wh_1`. */
export function navigate(path: string): void {
  window.location.hash = `#${path}`;
}

/** The href of a console path, for `<a>` elements. */
export function href(path: string): string {
  return `#${path}`;
}
