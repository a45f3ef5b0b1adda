import { mockServices } from '@backstage/backend-test-utils';
import { ConnectorError, type ConnectorContext } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { testOutboundPolicy } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { createPagerDutyConnector } from './PagerDutyConnector';
import { startPagerDutyHarness } from '../__testUtils__/harness';

const incident = (over: Record<string, unknown> = {}) => ({
  id: `inc-${Math.random().toString(36).slice(2)}`,
  title: 'Checkout latency',
  description: 'p99 > 2s',
  severity: 'SEV-2' as const,
  status: 'open' as const,
  assigned_to: null,
  escalation_policy: null,
  entity_ref: 'component:default/checkout',
  ...over,
});

describe('PagerDuty connector against the simulator', () => {
  const connector = createPagerDutyConnector();
  let h: Awaited<ReturnType<typeof startPagerDutyHarness>>;
  let ctx: ConnectorContext;

  beforeAll(async () => {
    h = await startPagerDutyHarness({
      settings: { sync_escalations: true, service_mappings: [{ pd_service: 'PSVC002', incident_type: 'infrastructure' }] },
    });
    ctx = { integration: h.integration, logger: mockServices.logger.mock(), outbound: testOutboundPolicy() };
  });
  afterAll(() => h.close());

  it('opens the incident on the mapped service, and a retried create returns the same incident', async () => {
    const inc = incident({ entity_ref: 'system:default/infrastructure', assigned_to: 'carol@example.com' });
    const first = await connector.createTicket(ctx, { incident: inc, dedupKey: `hub-${inc.id}` });
    const again = await connector.createTicket(ctx, { incident: inc, dedupKey: `hub-${inc.id}` });
    expect(again.externalId).toBe(first.externalId);
    expect(h.sim.incident(first.externalId)).toMatchObject({ service_id: 'PSVC002', assignee_ids: ['PUSR003'], incident_key: `hub-${inc.id}` });
    expect(first.fields.assigned_to).toBe('carol@example.com');
  });

  it('writes as the from_email user (From header) and refuses writes without one', async () => {
    const inc = incident();
    const t = await connector.createTicket(ctx, { incident: inc, dedupKey: `hub-${inc.id}` });
    const noFrom = { ...ctx, integration: { ...ctx.integration, settings: { default_service_id: 'PSVC001' } } };
    await expect(connector.addNote(noFrom, t.externalId, { text: 'x' })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/from_email/) });
    await connector.updateTicket(ctx, { externalId: t.externalId, changes: { escalation_policy: 'PEPL002', description: 'new details' }, incident: inc });
    const pd = h.sim.incident(t.externalId);
    expect(pd.escalation_policy_id).toBe('PEPL002');
    expect(pd.notes.map(n => n.content)).toEqual(['Description updated:\nnew details']);
    expect(pd.notes[0].userId).toBe('PUSR001'); // the From user
  });

  it('reports a 429 with the time PagerDuty says in ratelimit-reset', async () => {
    h.sim.server.failNext({ status: 429, headers: { 'ratelimit-limit': '120', 'ratelimit-remaining': '0', 'ratelimit-reset': '30' } });
    const error = await connector.fetchTicket(ctx, 'PABC123').catch(e => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.kind).toBe('rate_limited');
    expect(error.notBefore.getTime()).toBeGreaterThan(Date.now() + 25_000);
  });

  it('fails its connectivity test without from_email, or with an unknown one', async () => {
    const without = { ...ctx, integration: { ...ctx.integration, settings: {} } };
    expect(await connector.testConnection(without)).toMatchObject({ ok: false, message: expect.stringMatching(/from_email is not set/) });
    const unknown = { ...ctx, integration: { ...ctx.integration, id: 'other', settings: { from_email: 'ghost@example.com' } } };
    expect(await connector.testConnection(unknown)).toMatchObject({ ok: false, message: expect.stringMatching(/ghost@example.com/) });
  });

  it('parses every event type of spec 002', async () => {
    const inc = incident();
    const { externalId } = await connector.createTicket(ctx, { incident: inc, dedupKey: `hub-${inc.id}` });
    const parse = async (w: { webhook: any }) => {
      expect(await connector.verifyWebhook(ctx, w.webhook)).toEqual({ ok: true });
      const changes = await connector.parseWebhook(ctx, w.webhook);
      expect(changes).toHaveLength(1);
      const event = JSON.parse(w.webhook.rawBody.toString()).event;
      expect(changes[0]).toMatchObject({ eventId: event.id, occurredAt: event.occurred_at });
      return changes[0];
    };
    expect(await parse(await h.sim.acknowledge(externalId))).toMatchObject({ kind: 'updated', externalId, fields: { status: 'mitigated' } });
    expect(await parse(await h.sim.reassign(externalId, 'bob@example.com'))).toMatchObject({ fields: { assigned_to: 'bob@example.com' } });
    expect(await parse(await h.sim.changePriority(externalId, 'P3'))).toMatchObject({ fields: { severity: 'SEV-3' } });
    const escalated = await parse(await h.sim.escalate(externalId));
    expect(escalated).toMatchObject({ fields: { escalation_policy: 'PEPL001' }, actor: 'Alice Ng' });
    expect(escalated.timeline).toMatch(/Escalated in PagerDuty by Alice Ng; now assigned to Carol Diaz/);
    expect(await parse(await h.sim.annotate(externalId, 'Rolled back'))).toMatchObject({ kind: 'note', externalId, fields: {}, note: { text: 'Rolled back', author: 'Alice Ng' } });
    expect(await parse(await h.sim.resolve(externalId))).toMatchObject({ fields: { status: 'resolved' } });
    const triggered = await parse(await h.sim.trigger({ title: 'Disk full', serviceId: 'PSVC002', urgency: 'low' }));
    expect(triggered).toMatchObject({
      kind: 'created',
      fields: { title: 'Disk full', status: 'open', severity: 'SEV-3', assigned_to: 'bob@example.com', escalation_policy: 'PEPL002' },
      ticket: { externalId: triggered.externalId },
    });
  });

  it('logs escalations without taking the policy when sync_escalations is off', async () => {
    const inc = incident();
    const { externalId } = await connector.createTicket(ctx, { incident: inc, dedupKey: `hub-${inc.id}` });
    const off = { ...ctx, integration: { ...ctx.integration, settings: { ...ctx.integration.settings, sync_escalations: false } } };
    const [change] = await connector.parseWebhook(off, (await h.sim.escalate(externalId)).webhook);
    expect(change).toMatchObject({ kind: 'event', fields: {} });
    expect(change.timeline).toMatch(/Escalated/);
  });

  it('ignores events the sync does not act on and refuses malformed bodies', async () => {
    const ping = { rawBody: Buffer.from(JSON.stringify({ event: { id: '01X', event_type: 'pagey.ping', resource_type: 'pagey', occurred_at: new Date().toISOString(), data: { type: 'ping' } } })), headers: {}, method: 'POST', url: '/' };
    expect(await connector.parseWebhook(ctx, ping)).toEqual([]);
    await expect(connector.parseWebhook(ctx, { ...ping, rawBody: Buffer.from('not json') })).rejects.toThrow(/not JSON/);
    await expect(connector.parseWebhook(ctx, { ...ping, rawBody: Buffer.from('{"event":{"id":"x"}}') })).rejects.toThrow(/event_type/);
  });

  it('lists who is on call for a schedule and refuses a malformed schedule id', async () => {
    expect(await connector.listOncall!(ctx, 'PSCH002')).toEqual([
      expect.objectContaining({ user: 'Bob Ruiz', email: 'bob@example.com', escalationLevel: 1, escalationPolicy: 'Infrastructure escalation' }),
    ]);
    await expect(connector.listOncall!(ctx, 'bad id')).rejects.toThrow(/not a PagerDuty schedule id/);
  });

  it('refuses settings that would break syncing', () => {
    expect(() => connector.validateSettings!({ from_email: 'nope' })).toThrow(/from_email/);
    expect(() => connector.validateSettings!({})).not.toThrow();
  });
});
