import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceNowSimulator } from './index';

describe('ServiceNowSimulator', () => {
  let sim: ServiceNowSimulator;
  let auth: string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${sim.baseUrl}${path}`, {
      ...init,
      headers: {
        authorization: auth,
        'content-type': 'application/json',
        accept: 'application/json',
        ...(init.headers as object),
      },
    });
  const create = async (values: Record<string, unknown>) => {
    const res = await api('/api/now/table/incident', {
      method: 'POST',
      body: JSON.stringify(values),
    });
    return { res, body: await res.json() };
  };

  beforeEach(async () => {
    sim = await ServiceNowSimulator.start();
    auth = `Basic ${Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString('base64')}`;
  });
  afterEach(() => sim.stop());

  it('creates with 201, a Location header, a 32 hex sys_id, an INC number and string values only', async () => {
    const { res, body } = await create({
      short_description: 'Checkout down',
      impact: 1,
      urgency: 2,
      priority: '5',
    });
    expect(res.status).toBe(201);
    const record = body.result;
    expect(record.sys_id).toMatch(/^[0-9a-f]{32}$/);
    expect(record.number).toBe('INC0010001');
    expect(res.headers.get('location')).toBe(
      `${sim.baseUrl}/api/now/table/incident/${record.sys_id}`,
    );
    expect(record.impact).toBe('1');
    // Priority is calculated from impact x urgency; a written priority is ignored.
    expect(record.priority).toBe('2');
    expect(record.sys_updated_on).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    );
    for (const [column, value] of Object.entries(record))
      expect({ column, type: typeof value }).toEqual({
        column,
        type: 'string',
      });
    expect(
      (await create({ short_description: 'second' })).body.result.number,
    ).toBe('INC0010002');
  });

  it('pages with sysparm_limit/sysparm_offset, a Link header and X-Total-Count', async () => {
    for (let i = 0; i < 5; i++) await create({ short_description: `n${i}` });
    const res = await api(
      '/api/now/table/incident?sysparm_limit=2&sysparm_offset=2&sysparm_query=ORDERBYnumber',
    );
    const body = await res.json();
    expect(body.result.map((r: any) => r.short_description)).toEqual([
      'n2',
      'n3',
    ]);
    expect(res.headers.get('x-total-count')).toBe('5');
    const links = Object.fromEntries(
      res.headers
        .get('link')!
        .split(',')
        .map(part => {
          const [, url, rel] = /^<([^>]+)>;rel="(\w+)"$/.exec(part)!;
          return [rel, new URL(url).searchParams.get('sysparm_offset')];
        }),
    );
    expect(links).toEqual({ first: '0', prev: '0', next: '4', last: '4' });
    const lastPage = await api(
      '/api/now/table/incident?sysparm_limit=2&sysparm_offset=4&sysparm_query=ORDERBYnumber',
    );
    expect(lastPage.headers.get('link')).not.toContain('rel="next"');
  });

  it('filters with encoded queries: correlation_id, sys_updated_on>=, IN, ^OR and ORDERBYDESC', async () => {
    await create({
      short_description: 'a',
      correlation_id: 'key-a',
      state: '2',
    });
    const b = (
      await create({ short_description: 'b', correlation_id: 'key-b' })
    ).body.result;
    const list = async (q: string) =>
      (
        await (
          await api(
            `/api/now/table/incident?sysparm_query=${encodeURIComponent(q)}`,
          )
        ).json()
      ).result.map((r: any) => r.short_description);
    expect(await list('correlation_id=key-b')).toEqual(['b']);
    expect(
      await list('sys_updated_on>=2000-01-01 00:00:00^ORDERBYDESCnumber'),
    ).toEqual(['b', 'a']);
    expect(
      await list(
        "sys_updated_on>=javascript:gs.dateGenerate('2999-01-01','00:00:00')",
      ),
    ).toEqual([]);
    expect(
      await list(`sys_idIN${b.sys_id},ffffffffffffffffffffffffffffffff`),
    ).toEqual(['b']);
    expect(await list('state=2^ORcorrelation_id=key-b^ORDERBYnumber')).toEqual([
      'a',
      'b',
    ]);
    // Like a new instance, a condition on an unknown column is ignored.
    expect(await list('no_such_column=1^ORDERBYnumber')).toEqual(['a', 'b']);
    sim.invalidQueryReturnsNoRows = true;
    expect(await list('no_such_column=1')).toEqual([]);
  });

  it('narrows with sysparm_fields and shapes references and display values', async () => {
    const { result } = (
      await create({
        short_description: 'x',
        assigned_to: 'Beth Anglin',
        impact: '1',
        urgency: '1',
      })
    ).body;
    const get = async (q: string) =>
      (
        await (
          await api(`/api/now/table/incident/${result.sys_id}?${q}`)
        ).json()
      ).result;
    expect(await get('sysparm_fields=number,state')).toEqual({
      number: 'INC0010001',
      state: '1',
    });
    const beth = sim.store.findUser('beth.anglin')!;
    expect((await get('sysparm_fields=assigned_to')).assigned_to).toEqual({
      link: `${sim.baseUrl}/api/now/table/sys_user/${beth.sys_id}`,
      value: beth.sys_id,
    });
    expect(
      await get(
        'sysparm_fields=assigned_to,priority&sysparm_display_value=all&sysparm_exclude_reference_link=true',
      ),
    ).toEqual({
      assigned_to: { display_value: 'Beth Anglin', value: beth.sys_id },
      priority: { display_value: '1 - Critical', value: '1' },
    });
  });

  it('updates with PATCH and PUT, keeps work notes as journal entries and enforces the close data policy', async () => {
    const { result } = (await create({ short_description: 'x' })).body;
    const patch = (values: unknown, method = 'PATCH') =>
      api(`/api/now/table/incident/${result.sys_id}`, {
        method,
        body: JSON.stringify(values),
      });
    expect(
      (await (await patch({ state: '2', work_notes: 'first note' })).json())
        .result.state,
    ).toBe('2');
    await patch({ work_notes: 'second note' }, 'PUT');
    expect(sim.workNotes(result.sys_id)).toEqual(['first note', 'second note']);
    const journal = await (
      await api(
        `/api/now/table/sys_journal_field?sysparm_query=element_id=${result.sys_id}^element=work_notes`,
      )
    ).json();
    expect(journal.result.map((j: any) => j.value)).toEqual([
      'first note',
      'second note',
    ]);

    const refused = await patch({ state: '6' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: { message: 'Operation Failed' },
      status: 'failure',
    });
    expect(sim.incident(result.sys_id)!.state).toBe('2');
    const resolved = await (
      await patch({
        state: '6',
        close_code: 'Solution provided',
        close_notes: 'fixed',
      })
    ).json();
    expect(resolved.result).toMatchObject({ state: '6', active: 'true' });
    expect(resolved.result.resolved_at).not.toBe('');
  });

  it('answers errors in ServiceNow shape: 401, 404, 400 bad JSON and bad table', async () => {
    const anonymous = await fetch(`${sim.baseUrl}/api/now/table/incident`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: {
        message: 'User Not Authenticated',
        detail: 'Required to provide Auth information',
      },
      status: 'failure',
    });
    const missing = await api(
      '/api/now/table/incident/ffffffffffffffffffffffffffffffff',
    );
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        message: 'No Record found',
        detail: "Record doesn't exist or ACL restricts the record retrieval",
      },
      status: 'failure',
    });
    const badJson = await api('/api/now/table/incident', {
      method: 'POST',
      body: '{oops',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({
      error: { message: 'Exception while reading request' },
      status: 'failure',
    });
    const badTable = await api('/api/now/table/not_a_table');
    expect(badTable.status).toBe(400);
    expect(await badTable.json()).toEqual({
      error: { message: 'Invalid table not_a_table', detail: null },
      status: 'failure',
    });
  });

  it('answers 429 with Retry-After and X-RateLimit headers once the budget is spent', async () => {
    sim.server.setBudget(2, 60_000);
    expect((await api('/api/now/table/incident')).status).toBe(200);
    expect((await api('/api/now/table/incident')).status).toBe(200);
    const limited = await api('/api/now/table/incident');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('2');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(
      Date.now() / 1000,
    );
    expect(await limited.json()).toMatchObject({
      error: { message: 'Rate limit exceeded' },
      status: 'failure',
    });
  });

  it('injects failures on request', async () => {
    sim.server.failNext({ status: 503 });
    const failed = await api('/api/now/table/incident');
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ status: 'failure' });
    expect((await api('/api/now/table/incident')).status).toBe(200);
  });

  it('issues OAuth client-credentials tokens that authenticate Table API calls', async () => {
    const token = await fetch(`${sim.baseUrl}/oauth_token.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.credentials.client_id,
        client_secret: sim.credentials.client_secret,
      }).toString(),
    });
    const { access_token, token_type, expires_in } = await token.json();
    expect({ token_type, expires_in }).toEqual({
      token_type: 'Bearer',
      expires_in: 1799,
    });
    auth = `Bearer ${access_token}`;
    expect((await api('/api/now/table/incident')).status).toBe(200);
    const refused = await fetch(`${sim.baseUrl}/oauth_token.do`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'x',
        client_secret: 'y',
      }).toString(),
    });
    expect(refused.status).toBe(401);
  });

  describe('business rule', () => {
    let hub: Server;
    let received: Array<{ headers: Record<string, any>; body: string }>;
    beforeEach(async () => {
      received = [];
      hub = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', c => chunks.push(c));
        req.on('end', () => {
          received.push({
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
          res.writeHead(202).end();
        });
      });
      await new Promise<void>(r => hub.listen(0, '127.0.0.1', r));
    });
    afterEach(() => new Promise(r => hub.close(r)));

    it('posts the signed business-rule payload when a person edits through the admin route', async () => {
      const secret = 'business-rule-secret';
      const { result } = (
        await create({ short_description: 'x', impact: '2', urgency: '2' })
      ).body;
      sim.setWebhookTarget({
        url: `http://127.0.0.1:${(hub.address() as AddressInfo).port}/api/itsm-sync/v1/webhooks/snow`,
        secret,
        timestamp: true,
      });
      const edit = await fetch(
        `${sim.baseUrl}/__admin/servicenow/incidents/${result.sys_id}/edit`,
        {
          method: 'POST',
          body: JSON.stringify({
            changes: { assigned_to: 'David Loo', work_notes: 'on it' },
            user: 'david.loo',
          }),
        },
      );
      expect(edit.status).toBe(200);
      expect((await edit.json()).webhook_status).toBe(202);
      expect(received).toHaveLength(1);
      const { headers, body } = received[0];
      expect(headers['x-servicenow-signature']).toBe(
        createHmac('sha256', secret).update(body).digest('base64'),
      );
      expect(
        Math.abs(Number(headers['x-servicenow-timestamp']) - Date.now() / 1000),
      ).toBeLessThan(5);
      const payload = JSON.parse(body);
      expect(payload).toMatchObject({
        sys_id: result.sys_id,
        number: 'INC0010001',
        short_description: 'x',
        state: '1',
        priority: '3',
        impact: '2',
        urgency: '2',
        assigned_to: 'David Loo',
        work_notes: 'on it',
        operation: 'update',
        updated_by: 'david.loo',
      });
      expect(payload.changed_fields.sort()).toEqual([
        'assigned_to',
        'work_notes',
      ]);
      expect(payload.event_id).toMatch(/^[0-9a-f]{32}$/);
      expect(payload.updated_on).toMatch(
        /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
      );
    });

    it('signs in hex when configured and only captures without a url', async () => {
      const { result } = (await create({ short_description: 'x' })).body;
      sim.setWebhookTarget({ secret: 'hex-secret', encoding: 'hex' });
      const { status, webhook } = await sim.editAsPerson(result.sys_id, {
        state: '2',
      });
      expect(status).toBeUndefined();
      expect(received).toHaveLength(0);
      expect(webhook!.headers['x-servicenow-signature']).toBe(
        createHmac('sha256', 'hex-secret')
          .update(webhook!.rawBody)
          .digest('hex'),
      );
      expect(sim.lastWebhook()).toBe(webhook);
    });

    it('answers 404 for an edit of an unknown incident and 400 without changes', async () => {
      const missing = await fetch(
        `${sim.baseUrl}/__admin/servicenow/incidents/ffffffffffffffffffffffffffffffff/edit`,
        {
          method: 'POST',
          body: JSON.stringify({ changes: { state: '2' } }),
        },
      );
      expect(missing.status).toBe(404);
      const { result } = (await create({ short_description: 'x' })).body;
      const empty = await fetch(
        `${sim.baseUrl}/__admin/servicenow/incidents/${result.sys_id}/edit`,
        { method: 'POST', body: '{}' },
      );
      expect(empty.status).toBe(400);
    });
  });
});
