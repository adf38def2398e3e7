import { describe, expect, it } from 'vitest';
import { createPrincipalCache, principalCacheFor } from '../../src/domain/principal-cache.js';
import type { Principal } from '../../src/domain/principal.js';

const admin: Principal = {
  teamId: 'team_1',
  teamName: 'Team',
  memberId: 'mem_1',
  email: 'a@x.test',
  name: 'A',
  role: 'admin',
  instanceAdmin: true,
  apiKeyId: 'key_1',
};

describe('principal cache', () => {
  it('answers a principal until its TTL runs out, then forgets it', () => {
    const cache = createPrincipalCache(1_000);
    expect(cache.get('h', 0)).toBeUndefined();
    cache.set('h', admin, 0, cache.ticket());
    expect(cache.get('h', 999)).toBe(admin);
    expect(cache.get('h', 1_000)).toBeUndefined();
    expect(cache.get('h', 0)).toBeUndefined();
  });

  it('clear forgets everything, and a lookup that started before the clear cannot put its answer back', () => {
    const cache = createPrincipalCache(1_000);
    cache.set('h', admin, 0, cache.ticket());
    const before = cache.ticket();
    cache.clear();
    expect(cache.get('h', 1)).toBeUndefined();
    cache.set('h', admin, 1, before);
    expect(cache.get('h', 2)).toBeUndefined();
    cache.set('h', admin, 1, cache.ticket());
    expect(cache.get('h', 2)).toBe(admin);
  });

  it('keeps one cache per database handle', () => {
    const a = {};
    const b = {};
    expect(principalCacheFor(a)).toBe(principalCacheFor(a));
    expect(principalCacheFor(a)).not.toBe(principalCacheFor(b));
  });
});
