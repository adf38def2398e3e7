import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors.js';
import {
  checkUrlOnSave,
  createGuardedLookup,
  createTargetPolicy,
  parseWebhookUrl,
} from '../../src/webhooks/transport/ssrf-guard.js';
import { fakeResolver, unusedResolver } from '../helpers/fake-resolver.js';

const noAllowList = createTargetPolicy([]);

async function rejection(promise: Promise<unknown>): Promise<ValidationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

describe('target policy: refused addresses', () => {
  const refused: [string, RegExp][] = [
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['::1', /loopback/],
    ['10.0.0.1', /private/],
    ['10.255.255.255', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['fc00::1', /unique local/],
    ['fd00:ec2::254', /unique local/], // AWS IPv6 instance metadata
    ['169.254.169.254', /link-local.*metadata/], // cloud metadata
    ['169.254.0.1', /link-local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['ff02::1', /multicast/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['::', /unspecified/],
    ['255.255.255.255', /broadcast/],
    ['240.0.0.1', /reserved/],
    ['192.0.0.8', /reserved/],
    ['192.0.2.1', /documentation/],
    ['198.51.100.7', /documentation/],
    ['203.0.113.9', /documentation/],
    ['198.18.0.1', /reserved/],
    ['198.19.255.255', /reserved/],
    ['2001:db8::1', /documentation/],
    ['1::1', /outside global unicast/],
    ['::ffff:127.0.0.1', /127\.0\.0\.1.*loopback/],
    ['::ffff:7f00:1', /127\.0\.0\.1.*loopback/],
    ['::ffff:10.1.2.3', /private/],
    ['::ffff:a9fe:a9fe', /169\.254\.169\.254.*link-local/],
    ['::7f00:1', /127\.0\.0\.1.*loopback/], // IPv4-compatible (deprecated) form
    ['::ffff:0:7f00:1', /IPv4-translated.*loopback/],
    ['64:ff9b::a00:1', /NAT64.*10\.0\.0\.1/],
    ['64:ff9b::7f00:1', /NAT64.*loopback/],
    ['64:ff9b:1::808:808', /local-use NAT64/],
    ['2002:7f00:1::1', /6to4.*127\.0\.0\.1/],
    ['2002:a9fe:a9fe::', /6to4.*link-local/],
    // Teredo, client 127.0.0.1 stored bit-inverted (RFC 4380) behind public server 65.54.227.120.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', /Teredo.*127\.0\.0\.1/],
    ['127.1', /not an IP address/],
    ['localhost', /not an IP address/],
    ['', /not an IP address/],
  ];

  it.each(refused)('refuses %s', (ip, reason) => {
    const verdict = noAllowList.checkAddress(ip);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok === false && verdict.reason).toMatch(reason);
  });
});

describe('target policy: public addresses', () => {
  // Only ever checked as strings; no test connects to them.
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.32.0.1', // just past 172.16/12
    '100.128.0.1', // just past 100.64/10
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // NAT64 to a public IPv4
    '2002:808:808::1', // 6to4 of a public IPv4
  ])('allows %s', (ip) => {
    expect(noAllowList.checkAddress(ip)).toEqual({ ok: true });
  });
});

describe('target policy: operator allow-list', () => {
  const loopbackAllowed = createTargetPolicy(['127.0.0.0/8']);

  it('lets addresses inside an allowed CIDR through, also in IPv4-mapped form', () => {
    expect(loopbackAllowed.checkAddress('127.0.0.1')).toEqual({ ok: true });
    expect(loopbackAllowed.checkAddress('127.10.20.30')).toEqual({ ok: true });
    expect(loopbackAllowed.checkAddress('::ffff:127.0.0.1')).toEqual({ ok: true });
  });

  it('keeps refusing everything the allow-list does not name', () => {
    expect(loopbackAllowed.checkAddress('10.0.0.1').ok).toBe(false);
    expect(loopbackAllowed.checkAddress('::1').ok).toBe(false);
    expect(loopbackAllowed.checkAddress('169.254.169.254').ok).toBe(false);
  });

  it('accepts IPv6 and IPv4-mapped CIDRs', () => {
    const policy = createTargetPolicy(['::1/128', '::ffff:10.0.0.0/104']);
    expect(policy.checkAddress('::1')).toEqual({ ok: true });
    expect(policy.checkAddress('10.9.8.7')).toEqual({ ok: true });
    expect(policy.checkAddress('11.0.0.1')).toEqual({ ok: true }); // public anyway
    expect(policy.checkAddress('192.168.0.1').ok).toBe(false);
  });

  it('rejects a malformed CIDR with a ConfigError naming it', () => {
    expect(() => createTargetPolicy(['127.0.0.1/33'])).toThrow(ConfigError);
    expect(() => createTargetPolicy(['localhost'])).toThrow(/"localhost" is not a CIDR range/);
  });
});

describe('target policy: property-based, private ranges are always refused', () => {
  const ranges: [string, number][] = [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['100.64.0.0', 10],
  ];

  function ipv4Inside(base: string, bits: number): fc.Arbitrary<number> {
    const start = base.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
    return fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((offset) => start + offset);
  }
  const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
  const hexWords = (n: number): string => `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

  it.each(ranges)('every address in %s/%i is refused, plain and IPv4-mapped', (base, bits) => {
    fc.assert(
      fc.property(ipv4Inside(base, bits), (n) => {
        for (const form of [dotted(n), `::ffff:${dotted(n)}`, `::ffff:${hexWords(n)}`]) {
          expect(noAllowList.checkAddress(form).ok, form).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['fc00::', 7],
    ['fe80::', 10],
  ] as const)('every address in %s/%i is refused', (base, bits) => {
    const first = parseInt(base.split(':')[0]!, 16);
    const words = fc.tuple(
      fc.integer({ min: 0, max: 2 ** (16 - bits) - 1 }),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }),
    );
    fc.assert(
      fc.property(words, ([low, rest]) => {
        const ip = [first + low, ...rest].map((w) => w.toString(16)).join(':');
        expect(noAllowList.checkAddress(ip).ok, ip).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseWebhookUrl', () => {
  it.each([
    ['not a url', /not a valid absolute URL/],
    ['/relative/path', /not a valid absolute URL/],
    ['ftp://example.com/hook', /http or https, not "ftp"/],
    ['file:///etc/passwd', /http or https, not "file"/],
    ['javascript:alert(1)', /http or https/],
    ['http://user:pass@example.com/hook', /must not contain credentials/],
    ['https://token@example.com/hook', /must not contain credentials/],
  ])('refuses %s with invalid_url', (url, message) => {
    let caught: unknown;
    try {
      parseWebhookUrl(url);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).code).toBe('invalid_url');
    expect((caught as ValidationError).message).toMatch(message);
  });

  it('never echoes credentials back in the error details', () => {
    try {
      parseWebhookUrl('https://alice:s3cret@example.com/hook');
    } catch (err) {
      expect(JSON.stringify((err as ValidationError).details)).not.toContain('s3cret');
    }
  });

  it('returns the parsed URL for http and https', () => {
    expect(parseWebhookUrl('https://example.com/hooks?a=1').hostname).toBe('example.com');
    expect(parseWebhookUrl('http://[2606:4700:4700::1111]:8080/x').port).toBe('8080');
  });

  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
  ])('normalises the numeric host %s to %s', (url, host) => {
    expect(parseWebhookUrl(url).hostname).toBe(host);
  });
});

describe('checkUrlOnSave', () => {
  it.each([
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://127.0.0.1:8080/hook',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://[fd00::1]/',
  ])('refuses the IP-literal URL %s without asking DNS', async (url) => {
    const err = await rejection(checkUrlOnSave(url, noAllowList, unusedResolver));
    expect(err.code).toBe('target_not_allowed');
    expect(err.message).toMatch(/is not an allowed target/);
  });

  it('refuses localhost, naming the address and the reason', async () => {
    const resolver = fakeResolver({ localhost: ['127.0.0.1', '::1'] });
    const err = await rejection(checkUrlOnSave('http://localhost:3000/hook', noAllowList, resolver));
    expect(err.code).toBe('target_not_allowed');
    expect(err.message).toContain('"localhost" resolves to 127.0.0.1');
    expect(err.message).toContain('loopback address');
    expect(err.message).toContain('LABELHOOK_ALLOW_PRIVATE_TARGETS');
    expect(err.details).toEqual({ host: 'localhost', address: '127.0.0.1', reason: 'loopback address' });
    expect(resolver.calls).toEqual(['localhost']);
  });

  it('refuses a host when any one of its addresses is private', async () => {
    const resolver = fakeResolver({ 'mixed.test': ['1.1.1.1', '8.8.8.8', '192.168.0.10'] });
    const err = await rejection(checkUrlOnSave('https://mixed.test/hook', noAllowList, resolver));
    expect(err.code).toBe('target_not_allowed');
    expect(err.details).toMatchObject({ address: '192.168.0.10' });
  });

  it('accepts a host whose every address is public', async () => {
    const resolver = fakeResolver({ 'hooks.example.com': ['8.8.8.8', '2606:4700:4700::1111'] });
    await expect(checkUrlOnSave('https://hooks.example.com/in', noAllowList, resolver)).resolves.toBeUndefined();
  });

  it('accepts localhost when the operator allow-list names loopback', async () => {
    const resolver = fakeResolver({ localhost: ['127.0.0.1'] });
    const policy = createTargetPolicy(['127.0.0.0/8']);
    await expect(checkUrlOnSave('http://localhost:3000/hook', policy, resolver)).resolves.toBeUndefined();
  });

  it('reports a host that does not resolve as unresolvable_host', async () => {
    const err = await rejection(checkUrlOnSave('https://nowhere.test/', noAllowList, fakeResolver({})));
    expect(err.code).toBe('unresolvable_host');
    expect(err.message).toContain('nowhere.test');
    expect(err.message).toContain('ENOTFOUND');
  });

  it('reports a host with no addresses as unresolvable_host', async () => {
    const err = await rejection(checkUrlOnSave('https://empty.test/', noAllowList, fakeResolver({ 'empty.test': [] })));
    expect(err.code).toBe('unresolvable_host');
  });

  it('reports a malformed URL as invalid_url before resolving', async () => {
    const err = await rejection(checkUrlOnSave('gopher://x/', noAllowList, unusedResolver));
    expect(err.code).toBe('invalid_url');
  });
});

describe('createGuardedLookup', () => {
  function lookupOnce(
    lookup: ReturnType<typeof createGuardedLookup>,
    hostname: string,
    options: { all?: boolean; family?: number },
  ): Promise<{ err: (Error & { code?: string }) | null; address: unknown; family: unknown }> {
    return new Promise((resolve) => {
      lookup(hostname, options, (err, address, family) => resolve({ err, address, family }));
    });
  }

  const loopbackAllowed = createTargetPolicy(['127.0.0.0/8']);

  it('answers with the checked address only', async () => {
    const lookup = createGuardedLookup(loopbackAllowed, fakeResolver({ 'svc.test': ['127.0.0.7', '127.0.0.8'] }));
    expect(await lookupOnce(lookup, 'svc.test', {})).toEqual({ err: null, address: '127.0.0.7', family: 4 });
  });

  it('answers every checked address when net asks for all (happy eyeballs)', async () => {
    const lookup = createGuardedLookup(loopbackAllowed, fakeResolver({ 'svc.test': ['127.0.0.7', '127.0.0.8'] }));
    const { err, address } = await lookupOnce(lookup, 'svc.test', { all: true });
    expect(err).toBeNull();
    expect(address).toEqual([
      { address: '127.0.0.7', family: 4 },
      { address: '127.0.0.8', family: 4 },
    ]);
  });

  it('honours the requested address family', async () => {
    const policy = createTargetPolicy(['127.0.0.0/8', '::1/128']);
    const lookup = createGuardedLookup(policy, fakeResolver({ 'svc.test': ['127.0.0.1', '::1'] }));
    expect(await lookupOnce(lookup, 'svc.test', { family: 6 })).toEqual({ err: null, address: '::1', family: 6 });
  });

  it('refuses with LABELHOOK_SSRF_BLOCKED when any address is refused', async () => {
    const lookup = createGuardedLookup(loopbackAllowed, fakeResolver({ 'svc.test': ['127.0.0.1', '10.0.0.1'] }));
    const { err } = await lookupOnce(lookup, 'svc.test', { all: true });
    expect(err?.code).toBe('LABELHOOK_SSRF_BLOCKED');
    expect(err?.message).toContain('svc.test (10.0.0.1)');
    expect(err?.message).toContain('private network address');
  });

  it('passes resolver failures through with their code', async () => {
    const lookup = createGuardedLookup(noAllowList, fakeResolver({}));
    expect((await lookupOnce(lookup, 'gone.test', {})).err?.code).toBe('ENOTFOUND');
  });
});
