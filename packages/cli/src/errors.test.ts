import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  IM_TOKEN,
  startBackend,
  type RunningBackend,
} from './__testUtils__/testBackend';
import { runIm, type ImResult } from './__testUtils__/runIm';

jest.setTimeout(60_000);

const STACK_FRAME = /\n\s+at /;

/** The message on stderr, nothing on stdout, no stack trace. */
function expectCleanFailure(result: ImResult, code: number, message: RegExp) {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_FRAME);
}

/** A loopback server that answers every request with one status and Backstage's error body. */
async function failingServer(
  status: number,
  message: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { name: 'Error', message },
        response: { statusCode: status },
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

describe('im errors, exit codes and where the connection comes from', () => {
  let backend: RunningBackend;
  let configDir: string;

  beforeAll(async () => {
    backend = await startBackend();
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-cli-config-'));
  });
  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(configDir, { recursive: true, force: true });
  });

  it('a wrong token is an authentication failure (exit 1) that never echoes the token', async () => {
    const result = await runIm(['integration', 'list'], {
      IM_URL: backend.url,
      IM_TOKEN: 'wrong-token-0123456789',
    });
    expectCleanFailure(
      result,
      1,
      /^im: Authentication failed \(401\) for list integrations: check the token/,
    );
    expect(result.stderr).not.toContain('wrong-token-0123456789');
    const none = await runIm(['integration', 'get', 'anything'], {
      IM_URL: backend.url,
    });
    expectCleanFailure(none, 1, /^im: Authentication failed \(401\)/);
  });

  it('an unknown integration is a clear 404 (exit 1)', async () => {
    const result = await runIm(
      ['integration', 'sync-status', 'no-such-integration'],
      { IM_URL: backend.url, IM_TOKEN },
    );
    expectCleanFailure(
      result,
      1,
      /^im: Not found \(404\): No integration with id or name 'no-such-integration'\n$/,
    );
  });

  it('a bad flag, a missing argument or a bad choice is a usage error (exit 2)', async () => {
    const env = { IM_URL: backend.url, IM_TOKEN };
    expectCleanFailure(
      await runIm(['integration', 'get', 'x', '--bogus'], env),
      2,
      /^error: unknown option '--bogus'/,
    );
    expectCleanFailure(
      await runIm(['integration', 'dlq-retry', 'x'], env),
      2,
      /^error: missing required argument 'entry'/,
    );
    expectCleanFailure(
      await runIm(
        ['integration', 'configure', 'x', '--direction', 'sideways'],
        env,
      ),
      2,
      /argument 'sideways' is invalid\. Allowed choices are outbound, inbound, bidirectional/,
    );
    expectCleanFailure(
      await runIm(
        ['integration', 'configure', 'x', '--rate-limit', 'lots'],
        env,
      ),
      2,
      /--rate-limit must be a whole number/,
    );
    expectCleanFailure(
      await runIm(['integration', 'list', '--format', 'yaml'], env),
      2,
      /Allowed choices are table, json/,
    );
    expectCleanFailure(
      await runIm(['integration', 'configure', '--name', 'half'], env),
      2,
      /^im: Creating an integration needs --type, --org, --base-url/,
    );
    expectCleanFailure(
      await runIm(
        ['integration', 'reconcile', 'x', '--dry-run', '--auto-heal'],
        env,
      ),
      2,
      /cannot be used together/,
    );
    expectCleanFailure(
      await runIm(['nonsense'], env),
      2,
      /^error: unknown command 'nonsense'/,
    );
    const help = await runIm(['integration', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/field-ownership/);
  });

  it("input the backend refuses is exit 1 with the backend's reason", async () => {
    const result = await runIm(
      [
        'integration',
        'configure',
        '--name',
        'Nope',
        '--type',
        'nosuch',
        '--org',
        'acme',
        '--base-url',
        'https://x.example',
      ],
      { IM_URL: backend.url, IM_TOKEN },
    );
    expectCleanFailure(
      result,
      1,
      /^im: Request rejected \(400\): .*no installed connector/,
    );
  });

  it('a backend that is not running is "connection refused" (exit 1)', async () => {
    const closed = await failingServer(500, 'unused');
    await closed.close();
    const result = await runIm(['integration', 'list'], {
      IM_URL: closed.url,
      IM_TOKEN,
    });
    expectCleanFailure(
      result,
      1,
      new RegExp(
        `^im: Cannot connect to the itsm-sync backend at ${closed.url}: connection refused`,
      ),
    );
  });

  it.each([
    [
      403,
      'Not allowed: itsm.sync.integration.manage',
      /^im: Not allowed \(403\) to get integration 'x': Not allowed: itsm\.sync/,
    ],
    [
      500,
      'database is on fire',
      /^im: The backend failed \(500\) on get integration 'x': database is on fire\n$/,
    ],
    [503, 'try later', /^im: The backend failed \(503\)/],
  ])(
    'HTTP %i is one clear line (exit 1)',
    async (status, message, expected) => {
      const server = await failingServer(status, message);
      try {
        expectCleanFailure(
          await runIm(['integration', 'get', 'x'], {
            IM_URL: server.url,
            IM_TOKEN,
          }),
          1,
          expected,
        );
      } finally {
        await server.close();
      }
    },
  );

  it('takes URL and token from flags over the environment over the config file', async () => {
    const configFile = path.join(configDir, 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({ url: backend.url, token: IM_TOKEN }),
    );
    const fromFile = await runIm(['integration', 'list'], {
      IM_CONFIG: configFile,
    });
    expect(fromFile.code).toBe(0);

    const envBeatsFile = await runIm(['integration', 'list'], {
      IM_CONFIG: configFile,
      IM_TOKEN: 'env-token-is-wrong',
    });
    expect(envBeatsFile.code).toBe(1);
    expect(envBeatsFile.stderr).toMatch(/401/);

    const flagBeatsEnv = await runIm(
      ['integration', 'list', '--token', IM_TOKEN],
      { IM_CONFIG: configFile, IM_TOKEN: 'env-token-is-wrong' },
    );
    expect(flagBeatsEnv.code).toBe(0);

    const urlFlagBeatsEnv = await runIm(
      ['integration', 'list', '--url', backend.url],
      { IM_URL: 'http://127.0.0.1:9', IM_TOKEN },
    );
    expect(urlFlagBeatsEnv.code).toBe(0);

    // The default location, ~/.config/im/config.json.
    const home = path.join(configDir, 'home');
    fs.mkdirSync(path.join(home, '.config', 'im'), { recursive: true });
    fs.writeFileSync(
      path.join(home, '.config', 'im', 'config.json'),
      JSON.stringify({ url: backend.url, token: IM_TOKEN }),
    );
    expect((await runIm(['integration', 'list'], { HOME: home })).code).toBe(0);

    fs.writeFileSync(configFile, '{ not json');
    expectCleanFailure(
      await runIm(['integration', 'list'], { IM_CONFIG: configFile }),
      1,
      /^im: The config file .* is not valid JSON/,
    );
  });
});
