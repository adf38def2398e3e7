import type { ResolveAll, ResolvedAddress } from '../../src/webhooks/transport/ssrf-guard.js';

/** A resolver for tests: a fixed table, recording every name asked for. Never real DNS. */
export function fakeResolver(table: Record<string, string[]>): ResolveAll & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

/** A resolver that fails the test when asked: IP-literal hosts must never reach DNS. */
export const unusedResolver: ResolveAll = async (hostname) => {
  throw new Error(`the resolver must not be asked for IP literals (asked for ${hostname})`);
};
