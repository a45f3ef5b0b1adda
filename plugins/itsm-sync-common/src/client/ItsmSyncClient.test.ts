/**
 * @jest-environment node
 */
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ItsmSyncClient } from './ItsmSyncClient';
import { ResponseError } from '@backstage/errors';
import { errorMessage, ManualSyncCooldownError } from './errors';
import { backendUrlDiscovery, fetchWithBearerToken } from './connection';

type Handler = (
  req: IncomingMessage,
  body: string,
  res: ServerResponse,
) => void;

/** A real HTTP server on loopback that records requests and answers with the route's handler. */
async function startBackend(routes: Record<string, Handler>) {
  const calls: {
    method: string;
    url: string;
    body: string;
    accept?: string;
    authorization?: string;
  }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      calls.push({
        method: req.method!,
        url: req.url!,
        body,
        accept: req.headers.accept,
        authorization: req.headers.authorization,
      });
      const handler = routes[`${req.method} ${req.url}`];
      if (!handler) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { name: 'NotFoundError', message: `no route ${req.url}` },
            response: { statusCode: 404 },
          }),
        );
        return;
      }
      handler(req, body, res);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const client = new ItsmSyncClient({
    discoveryApi: {
      getBaseUrl: async id => `http://127.0.0.1:${port}/api/${id}`,
    },
    fetchApi: { fetch: (input, init) => fetch(input as any, init) },
  });
  return {
    client,
    calls,
    baseUrl: `http://127.0.0.1:${port}/api/itsm-sync`,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Handler {
  return (_req, _body, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

describe('ItsmSyncClient', () => {
  let backend: Awaited<ReturnType<typeof startBackend>> | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('lists an entity’s incidents under the itsm-sync plugin id, with the ref URL-encoded', async () => {
    backend = await startBackend({
      'GET /api/itsm-sync/v1/incidents?entity_ref=component%3Adefault%2Fpayments':
        json(200, {
          items: [{ id: 'inc-1', title: 'Payments down', links: [] }],
        }),
    });
    const incidents = await backend.client.listIncidentsForEntity(
      'component:default/payments',
    );
    expect(incidents.map(i => i.title)).toEqual(['Payments down']);
  });

  it('asks for an integration’s metric series over a window, and reads an incident’s timeline items', async () => {
    backend = await startBackend({
      'GET /api/itsm-sync/v1/integrations/prod%20snow/metrics/series?window=1d':
        json(200, {
          integration_id: 'int-1',
          window: '1d',
          step_seconds: 600,
          points: [],
        }),
      'GET /api/itsm-sync/v1/incidents/inc-1/timeline': json(200, {
        items: [{ kind: 'note', text: 'Rolled back', source: 'platform' }],
      }),
    });
    const series = await backend.client.getMetricSeries('prod snow', '1d');
    expect(series.step_seconds).toBe(600);
    const timeline = await backend.client.getIncidentTimeline('inc-1');
    expect(timeline.map(e => e.text)).toEqual(['Rolled back']);
  });

  it('asks the routing preview for a stored incident by id', async () => {
    backend = await startBackend({
      'POST /api/itsm-sync/v1/routing/preview': json(200, {
        catalog: 'ok',
        matches: [
          { integration_id: 'i-1', explanation: "rule 1 'sev1' matched" },
        ],
        skipped: [],
      }),
    });
    const preview = await backend.client.previewRouting({
      incident_id: 'inc-7',
    });
    expect(preview.matches[0].explanation).toBe("rule 1 'sev1' matched");
    expect(JSON.parse(backend.calls[0].body)).toEqual({ incident_id: 'inc-7' });
  });

  it('posts the chosen resolution as JSON when resolving a conflict', async () => {
    backend = await startBackend({
      'POST /api/itsm-sync/v1/conflicts/c-1/resolve': (_req, body, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'c-1',
            status: 'resolved',
            resolution: JSON.parse(body).resolution,
          }),
        );
      },
    });
    const resolved = await backend.client.resolveConflict(
      'c-1',
      'use-external',
    );
    expect(resolved.resolution).toBe('use-external');
    expect(backend.calls[0].body).toBe('{"resolution":"use-external"}');
  });

  it('passes filters to the conflicts list and uses the DLQ action routes', async () => {
    backend = await startBackend({
      'GET /api/itsm-sync/v1/conflicts?status=pending&integration=prod-snow':
        json(200, { items: [] }),
      'POST /api/itsm-sync/v1/integrations/prod-snow/dlq/e%201/retry': json(
        200,
        { id: 'e 1', state: 'retried' },
      ),
      'POST /api/itsm-sync/v1/integrations/prod-snow/dlq/e2/discard': json(
        200,
        { id: 'e2', state: 'discarded' },
      ),
    });
    await expect(
      backend.client.listConflicts({
        status: 'pending',
        integration: 'prod-snow',
      }),
    ).resolves.toEqual([]);
    await expect(
      backend.client.retryDlqEntry('prod-snow', 'e 1'),
    ).resolves.toMatchObject({ state: 'retried' });
    await expect(
      backend.client.discardDlqEntry('prod-snow', 'e2'),
    ).resolves.toMatchObject({ state: 'discarded' });
  });

  it('generates a callback token by posting the app name and description, and returns the token shown once', async () => {
    backend = await startBackend({
      'POST /api/itsm-sync/v1/integrations/demo%20hook/callback-tokens': (
        _req,
        body,
        res,
      ) => {
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 't-1',
            app_name: JSON.parse(body).app_name,
            state: 'active',
            token: 'itsmcb_secret',
          }),
        );
      },
    });
    const issued = await backend.client.createCallbackToken('demo hook', {
      app_name: 'Jira inbound',
      description: 'prod',
    });
    expect(issued).toMatchObject({
      id: 't-1',
      app_name: 'Jira inbound',
      token: 'itsmcb_secret',
    });
    expect(JSON.parse(backend.calls[0].body)).toEqual({
      app_name: 'Jira inbound',
      description: 'prod',
    });
  });

  it('lists callback tokens from the items of the answer', async () => {
    backend = await startBackend({
      'GET /api/itsm-sync/v1/integrations/i-1/callback-tokens': json(200, {
        items: [
          { id: 't-2', state: 'active' },
          { id: 't-1', state: 'revoked' },
        ],
      }),
    });
    const tokens = await backend.client.listCallbackTokens('i-1');
    expect(tokens.map(t => `${t.id}:${t.state}`)).toEqual([
      't-2:active',
      't-1:revoked',
    ]);
  });

  it('revokes a callback token with DELETE and accepts the empty 204 answer', async () => {
    backend = await startBackend({
      'DELETE /api/itsm-sync/v1/integrations/i-1/callback-tokens/t%2F1': (
        _req,
        _body,
        res,
      ) => {
        res.writeHead(204);
        res.end();
      },
    });
    await expect(
      backend.client.revokeCallbackToken('i-1', 't/1'),
    ).resolves.toBeUndefined();
    expect(backend.calls.map(c => `${c.method} ${c.url}`)).toEqual([
      'DELETE /api/itsm-sync/v1/integrations/i-1/callback-tokens/t%2F1',
    ]);
  });

  it('surfaces the backend’s message when a token cannot be revoked', async () => {
    backend = await startBackend({
      'DELETE /api/itsm-sync/v1/integrations/i-1/callback-tokens/t-9': json(
        404,
        {
          error: {
            name: 'NotFoundError',
            message: "No live callback token 't-9' on integration 'demo'",
          },
          response: { statusCode: 404 },
        },
      ),
    });
    const error = await backend.client
      .revokeCallbackToken('i-1', 't-9')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(errorMessage(error)).toBe(
      "No live callback token 't-9' on integration 'demo'",
    );
  });

  it('surfaces the backend’s error message', async () => {
    backend = await startBackend({
      'GET /api/itsm-sync/v1/integrations/nope/sync-status': json(404, {
        error: { name: 'NotFoundError', message: "No integration 'nope'" },
        response: { statusCode: 404 },
      }),
    });
    const error = await backend.client.getSyncStatus('nope').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(errorMessage(error)).toBe("No integration 'nope'");
  });

  it('turns a 429 on manual sync into a cooldown error with the end of the cooldown', async () => {
    const cooldownUntil = '2030-01-01T10:10:00.000Z';
    backend = await startBackend({
      'POST /api/itsm-sync/v1/integrations/i-1/incidents/inc-1/sync': json(
        429,
        {
          error: {
            name: 'TooManyRequests',
            message: 'Manual sync is cooling down',
          },
          response: { statusCode: 429 },
          retry_after_seconds: 600,
          cooldown_until: cooldownUntil,
        },
        { 'Retry-After': '600' },
      ),
    });
    const error = await backend.client
      .syncIncident('i-1', 'inc-1')
      .catch(e => e);
    expect(error).toBeInstanceOf(ManualSyncCooldownError);
    expect(error.message).toBe('Manual sync is cooling down');
    expect(error.cooldownUntil.toISOString()).toBe(cooldownUntil);
    expect(errorMessage(error)).toBe('Manual sync is cooling down');
  });

  it('falls back to retry_after_seconds when the 429 body has no cooldown_until', async () => {
    backend = await startBackend({
      'POST /api/itsm-sync/v1/integrations/i-1/incidents/inc-1/sync': json(
        429,
        {
          error: { name: 'TooManyRequests', message: 'wait' },
          response: { statusCode: 429 },
          retry_after_seconds: 120,
        },
      ),
    });
    const before = Date.now();
    const error: ManualSyncCooldownError = await backend.client
      .syncIncident('i-1', 'inc-1')
      .catch(e => e);
    const left = error.cooldownUntil.getTime() - before;
    expect(left).toBeGreaterThanOrEqual(119_000);
    expect(left).toBeLessThanOrEqual(121_000);
  });

  it('keeps a short text body that is not Backstage’s error shape as the message', async () => {
    backend = await startBackend({
      'GET /api/itsm-sync/v1/integrations': (_req, _body, res) => {
        res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end('upstream proxy down');
      },
    });
    const error = await backend.client.listIntegrations().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(errorMessage(error)).toContain('upstream proxy down');
  });

  it('follows a reconcile progress stream to its result, reporting each step', async () => {
    backend = await startBackend({
      'POST /api/itsm-sync/v1/integrations/prod-snow/reconcile': (
        _req,
        _body,
        res,
      ) => {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.write('{"type":"progress","checked":1,"total":2}\n{"type":"progr');
        res.write('ess","checked":2,"total":2}\n');
        res.end(
          '{"type":"result","run":{"id":"r-1","status":"succeeded","checked":2}}\n',
        );
      },
    });
    const steps: string[] = [];
    const run = await backend.client.reconcile(
      'prod-snow',
      { dry_run: true },
      { onProgress: (checked, total) => steps.push(`${checked}/${total}`) },
    );
    expect(steps).toEqual(['1/2', '2/2']);
    expect(run).toMatchObject({ id: 'r-1', status: 'succeeded' });
    expect(JSON.parse(backend.calls[0].body)).toEqual({ dry_run: true });
    expect(backend.calls[0].accept).toContain('application/x-ndjson');
  });

  it('fails a reconcile whose stream ends without a result, or reports an error', async () => {
    backend = await startBackend({
      'POST /api/itsm-sync/v1/integrations/cut/reconcile': (
        _req,
        _body,
        res,
      ) => {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.end('{"type":"progress","checked":1,"total":5}\n');
      },
      'POST /api/itsm-sync/v1/integrations/broken/reconcile': (
        _req,
        _body,
        res,
      ) => {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.end('{"type":"error","message":"vendor list failed"}\n');
      },
    });
    await expect(backend.client.reconcile('cut', {})).rejects.toThrow(
      'The reconcile stream ended before a result arrived',
    );
    await expect(backend.client.reconcile('broken', {})).rejects.toThrow(
      'Reconcile failed: vendor list failed',
    );
  });

  it('takes a plain JSON run from a backend that does not stream', async () => {
    backend = await startBackend({
      'POST /api/itsm-sync/v1/integrations/i-1/reconcile': json(200, {
        id: 'r-2',
        status: 'succeeded',
      }),
    });
    await expect(
      backend.client.reconcile('i-1', { auto_heal: true }),
    ).resolves.toMatchObject({ id: 'r-2' });
  });

  it('pages links with the cursor and passes the DLQ state filter and on-call schedule', async () => {
    backend = await startBackend({
      'GET /api/itsm-sync/v1/integrations/i-1/links?after=c%3D1': json(200, {
        items: [{ incident_id: 'inc-2' }],
        next: null,
      }),
      'GET /api/itsm-sync/v1/integrations/i-1/dlq?state=failed': json(200, {
        items: [{ id: 'e-1' }],
      }),
      'GET /api/itsm-sync/v1/integrations/i-1/oncall?schedule_id=S+1': json(
        200,
        { items: [{ user: 'jane' }] },
      ),
    });
    await expect(
      backend.client.listLinks('i-1', { after: 'c=1' }),
    ).resolves.toEqual({ items: [{ incident_id: 'inc-2' }], next: null });
    await expect(
      backend.client.listDlq('i-1', { state: 'failed' }),
    ).resolves.toEqual([{ id: 'e-1' }]);
    await expect(backend.client.getOnCall('i-1', 'S 1')).resolves.toEqual({
      items: [{ user: 'jane' }],
    });
  });

  it('sends a token through the fetch it was given, never one of its own', async () => {
    backend = await startBackend({
      'GET /api/itsm-sync/v1/connectors': json(200, { items: [] }),
    });
    const seen: (string | null)[] = [];
    const client = new ItsmSyncClient({
      discoveryApi: { getBaseUrl: async () => backend!.baseUrl },
      fetchApi: {
        fetch: (input, init) => {
          const headers = new Headers(init?.headers);
          headers.set('authorization', 'Bearer user-token');
          seen.push(headers.get('authorization'));
          return fetch(input, { ...init, headers });
        },
      },
    });
    await expect(client.listConnectors()).resolves.toEqual([]);
    expect(seen).toEqual(['Bearer user-token']);
  });

  it('reaches a backend by its URL and asks for the bearer token on every call, sending none when there is none', async () => {
    backend = await startBackend({
      'GET /api/itsm-sync/v1/connectors': json(200, { items: [] }),
    });
    const tokens = ['first', undefined, 'second'];
    const client = new ItsmSyncClient({
      discoveryApi: backendUrlDiscovery(
        `${backend.baseUrl.replace(/\/api\/itsm-sync$/, '')}/`,
      ),
      fetchApi: fetchWithBearerToken(async () => tokens.shift()),
    });
    for (let i = 0; i < 3; i++) await client.listConnectors();
    expect(backend.calls.map(c => c.authorization)).toEqual([
      'Bearer first',
      undefined,
      'Bearer second',
    ]);
  });
});
