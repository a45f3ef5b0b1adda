import { ConnectorError } from '../errors';
import { VendorHttpClient } from '../http';
import {
  startCountingServer,
  type CountingServer,
} from '../testUtils/countingServer';
import { OutboundPolicy } from './OutboundPolicy';
import type { HostResolver } from './resolver';

/** Answers from a fixed table, never from real DNS; counts the questions. */
function fakeDns(table: Record<string, string[] | (() => string[])>) {
  const asked: string[] = [];
  const resolver: HostResolver = async hostname => {
    asked.push(hostname);
    const entry = table[hostname];
    if (!entry)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
      });
    const addresses = typeof entry === 'function' ? entry() : entry;
    return addresses.map(address => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  return { resolver, asked };
}

function call(
  policy: OutboundPolicy,
  url: string,
  headers: Record<string, string> = {},
) {
  return new VendorHttpClient({
    baseUrl: url,
    vendor: 'Vendor',
    headers: () => headers,
    outbound: policy,
  }).request({ path: url });
}

async function refusal(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('OutboundPolicy', () => {
  // Outside the allow-list on purpose: a request that reaches it is an enforcement failure.
  let forbidden: CountingServer;
  let allowed: CountingServer;
  const policies: OutboundPolicy[] = [];
  const policy = (options: Parameters<typeof OutboundPolicy.create>[0]) => {
    const p = OutboundPolicy.create(options);
    policies.push(p);
    return p;
  };

  beforeAll(async () => {
    forbidden = await startCountingServer('127.0.0.5');
    allowed = await startCountingServer('127.0.0.1');
  });
  afterAll(async () => {
    await Promise.all(policies.map(p => p.close()));
    await forbidden.close();
    await allowed.close();
  });

  it.each([
    ['dotted', (port: number) => `http://127.0.0.5:${port}/`],
    ['decimal', (port: number) => `http://2130706437:${port}/`],
    ['octal', (port: number) => `http://0177.0.0.05:${port}/`],
    ['hexadecimal', (port: number) => `http://0x7f.0.0.0x5:${port}/`],
    ['short', (port: number) => `http://127.5:${port}/`],
    [
      'IPv4-mapped IPv6',
      (port: number) => `http://[::ffff:127.0.0.5]:${port}/`,
    ],
    [
      'IPv4-mapped IPv6 in hex',
      (port: number) => `http://[::ffff:7f00:5]:${port}/`,
    ],
  ])(
    'refuses a loopback address outside the allow-list spelled %s, and never connects',
    async (_spelling, url) => {
      const before = forbidden.hits;
      const error = await refusal(
        call(policy({ allow: ['127.0.0.1'] }), url(forbidden.port)),
      );
      expect(error.kind).toBe('permanent');
      expect(error.message).toMatch(
        /refused by the outbound policy: .*loopback/,
      );
      expect(forbidden.hits).toBe(before);
    },
  );

  it.each([
    ['169.254.169.254', /cloud metadata/],
    ['fd00:ec2::254', /cloud metadata/],
    ['100.100.100.200', /cloud metadata/],
    ['10.0.0.8', /private/],
    ['172.16.4.4', /private/],
    ['192.168.1.1', /private/],
    ['169.254.10.10', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['fc00::1', /unique-local/],
    ['fe80::1', /link-local/],
    ['::1', /loopback/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['::ffff:169.254.169.254', /cloud metadata/],
    ['::ffff:10.1.1.1', /private/],
    ['64:ff9b::a9fe:a9fe', /special-purpose/],
    ['2002:a9fe:a9fe::1', /special-purpose/],
    ['::7f00:1', /IPv4-compatible/],
  ])('refuses a host name whose DNS answer is %s', async (address, reason) => {
    const dns = fakeDns({ 'vendor.example.com': [address] });
    const error = await refusal(
      call(
        policy({ resolver: dns.resolver }),
        'https://vendor.example.com/api',
      ),
    );
    expect(error.message).toMatch(reason);
    expect(dns.asked).toEqual(['vendor.example.com']);
  });

  it('refuses a name with one private answer among public ones', async () => {
    const dns = fakeDns({
      'mixed.example.com': ['93.184.216.34', '127.0.0.5'],
    });
    const error = await refusal(
      call(
        policy({ resolver: dns.resolver }),
        `http://mixed.example.com:${forbidden.port}/`,
      ),
    );
    expect(error.message).toMatch(/127\.0\.0\.5 is in a loopback range/);
  });

  it('refuses a DNS name that resolves to a listener outside the allow-list, and never connects', async () => {
    const before = forbidden.hits;
    const dns = fakeDns({ 'sneaky.example.com': ['127.0.0.5'] });
    await refusal(
      call(
        policy({ allow: ['127.0.0.1'], resolver: dns.resolver }),
        `http://sneaky.example.com:${forbidden.port}/`,
      ),
    );
    expect(forbidden.hits).toBe(before);
  });

  it('connects to exactly the address it checked: a later DNS answer is never used', async () => {
    let answers = 0;
    const dns = fakeDns({
      'rebind.example.com': () =>
        answers++ === 0 ? ['127.0.0.1'] : ['127.0.0.5'],
    });
    const p = policy({ allow: ['127.0.0.1/32'], resolver: dns.resolver });
    const before = { allowed: allowed.hits, forbidden: forbidden.hits };
    // The two listeners have different ports; the rebinding answer's listener shares the allowed one's port only by name.
    const response = await call(
      p,
      `http://rebind.example.com:${allowed.port}/`,
    );
    expect(response.status).toBe(200);
    expect(allowed.hits).toBe(before.allowed + 1);
    expect(forbidden.hits).toBe(before.forbidden);
    expect(dns.asked).toEqual(['rebind.example.com']);
  });

  it('calls a private address that the allow-list names, by host name or by range', async () => {
    const dns = fakeDns({ 'snow.internal': ['127.0.0.5'] });
    const byName = policy({ allow: ['snow.internal'], resolver: dns.resolver });
    expect(
      (await call(byName, `http://snow.internal:${forbidden.port}/`)).status,
    ).toBe(200);
    const byWildcard = policy({
      allow: ['*.internal'],
      resolver: dns.resolver,
    });
    expect(
      (await call(byWildcard, `http://snow.internal:${forbidden.port}/`))
        .status,
    ).toBe(200);
    const byRange = policy({ allow: ['127.0.0.0/29'] });
    expect((await call(byRange, `${forbidden.origin}/`)).status).toBe(200);
  });

  it('keeps cloud metadata refused even when an allowed range covers it', async () => {
    const dns = fakeDns({ 'metadata.google.internal': ['169.254.169.254'] });
    const p = policy({
      allow: ['169.254.0.0/16', 'metadata.google.internal'],
      resolver: dns.resolver,
    });
    expect(
      (await refusal(call(p, 'http://169.254.169.254/latest/meta-data/')))
        .message,
    ).toMatch(/cloud metadata/);
    expect(
      (await refusal(call(p, 'http://metadata.google.internal/'))).message,
    ).toMatch(/cloud metadata/);
  });

  it('never follows a redirect, so an allowed vendor cannot bounce the call elsewhere', async () => {
    const redirecting = await startCountingServer('127.0.0.1', (_req, res) => {
      res
        .writeHead(302, { location: `${forbidden.origin}/latest/meta-data/` })
        .end();
    });
    try {
      const before = forbidden.hits;
      const error = await refusal(
        call(policy({ allow: ['127.0.0.1'] }), `${redirecting.origin}/`),
      );
      expect(error.status).toBe(302);
      expect(forbidden.hits).toBe(before);
    } finally {
      await redirecting.close();
    }
  });

  it('refuses URLs with userinfo and schemes other than http(s)', async () => {
    const p = policy({ allow: ['127.0.0.1'] });
    expect(
      (await refusal(call(p, `http://user:pass@127.0.0.1:${allowed.port}/`)))
        .message,
    ).toMatch(/user name or password/);
    expect(() => p.checkUrl(new URL('file:///etc/passwd'))).toThrow(
      /only http and https/,
    );
    expect(() => p.checkUrl(new URL('gopher://127.0.0.1:70/'))).toThrow(
      /only http and https/,
    );
  });

  it('ends a call that trickles its answer at the total deadline', async () => {
    const tarpit = await startCountingServer('127.0.0.1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(drip));
    });
    try {
      const started = Date.now();
      const error = await refusal(
        call(
          policy({ allow: ['127.0.0.1'], deadlineMs: 300 }),
          `${tarpit.origin}/`,
        ),
      );
      expect(error.kind).toBe('retryable');
      expect(error.message).toMatch(/timed out/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await tarpit.close();
    }
  });

  it('refuses a response larger than the cap', async () => {
    const big = await startCountingServer('127.0.0.1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`"${'x'.repeat(64 * 1024)}"`);
    });
    try {
      const error = await refusal(
        call(
          policy({ allow: ['127.0.0.1'], maxResponseBytes: 16 * 1024 }),
          `${big.origin}/`,
        ),
      );
      expect(error.kind).toBe('permanent');
      expect(error.message).toMatch(/more than 16384 bytes/);
    } finally {
      await big.close();
    }
  });

  it('applies the strict policy to a client given none', async () => {
    const before = allowed.hits;
    const client = new VendorHttpClient({
      baseUrl: allowed.origin,
      vendor: 'Vendor',
      headers: () => ({}),
    });
    expect((await refusal(client.request({ path: '/' }))).message).toMatch(
      /loopback/,
    );
    expect(allowed.hits).toBe(before);
  });

  it('names a bad allow-list entry', () => {
    expect(() => OutboundPolicy.create({ allow: ['vendor host'] })).toThrow(
      /'vendor host' is not a host name/,
    );
    expect(() => OutboundPolicy.create({ allow: ['10.0.0.0/99'] })).toThrow(
      /not a valid CIDR/,
    );
  });
});
