import { readFileSync } from 'node:fs';

/** labelhook's version, from package.json (sent in every webhook's user-agent). */
export const VERSION: string = (() => {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // try the next location: src/ and dist/src/ sit at different depths
    }
  }
  return '0.0.0';
})();
