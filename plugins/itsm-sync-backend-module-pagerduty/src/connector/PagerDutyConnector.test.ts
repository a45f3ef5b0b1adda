import { mockServices } from '@backstage/backend-test-utils';
import {
  ConnectorError,
  parsedWebhook,
  type ConnectorContext,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  deliverEveryPagerDutyEvent,
  PAGERDUTY_EVENT_CATALOGUE,
} from '@itsm-sync-hub/simulators';
import {
  ACTED_ON_PAGERDUTY_EVENTS,
  IGNORED_PAGERDUTY_EVENTS,
} from '../mapping/webhookEvent';
import { testOutboundPolicy } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { PagerDutyConnector } from './PagerDutyConnector';
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
  const connector = new PagerDutyConnector();
  let h: Awaited<ReturnType<typeof startPagerDutyHarness>>;
  let ctx: ConnectorContext;

  beforeAll(async () => {
    h = await startPagerDutyHarness({
      settings: {
        sync_escalations: true,
        service_mappings: [
          { pd_service: 'PSVC002', incident_type: 'infrastructure' },
        ],
      },
    });
    ctx = {
      integration: h.integration,
      logger: mockServices.logger.mock(),
      outbound: testOutboundPolicy(),
    };
  });
  afterAll(() => h.close());

  it('opens the incident on the mapped service, and a retried create returns the same incident', async () => {
    const inc = incident({
      entity_ref: 'system:default/infrastructure',
      assigned_to: 'carol@example.com',
    });
    const first = await connector.createTicket(ctx, {
      incident: inc,
      dedupKey: `hub-${inc.id}`,
    });
    const again = await connector.createTicket(ctx, {
      incident: inc,
      dedupKey: `hub-${inc.id}`,
    });
    expect(again.externalId).toBe(first.externalId);
    expect(h.sim.incident(first.externalId)).toMatchObject({
      service_id: 'PSVC002',
      assignee_ids: ['PUSR003'],
      incident_key: `hub-${inc.id}`,
    });
    expect(first.fields.assigned_to).toBe('carol@example.com');
  });

  it("opens the incident on routing's target service over the mapping and the default", async () => {
    const inc = incident({ entity_ref: 'system:default/infrastructure' });
    const routed = await connector.createTicket(ctx, {
      incident: inc,
      dedupKey: `hub-${inc.id}`,
      target: { service_id: 'PSVC001', project_key: 'IGNORED' },
    });
    // The incident's type maps to PSVC002; the entity's annotated service wins.
    expect(h.sim.incident(routed.externalId).service_id).toBe('PSVC001');
  });

  it('writes as the from_email user (From header) and refuses writes without one', async () => {
    const inc = incident();
    const t = await connector.createTicket(ctx, {
      incident: inc,
      dedupKey: `hub-${inc.id}`,
    });
    const noFrom = {
      ...ctx,
      integration: {
        ...ctx.integration,
        settings: { default_service_id: 'PSVC001' },
      },
    };
    await expect(
      connector.addNote(noFrom, t.externalId, { text: 'x' }),
    ).rejects.toMatchObject({
      kind: 'permanent',
      message: expect.stringMatching(/from_email/),
    });
    await connector.updateTicket(ctx, {
      externalId: t.externalId,
      changes: { escalation_policy: 'PEPL002', description: 'new details' },
      incident: inc,
    });
    const pd = h.sim.incident(t.externalId);
    expect(pd.escalation_policy_id).toBe('PEPL002');
    expect(pd.notes.map(n => n.content)).toEqual([
      'Description updated:\nnew details',
    ]);
    expect(pd.notes[0].userId).toBe('PUSR001'); // the From user
  });

  it('reports a 429 with the time PagerDuty says in ratelimit-reset', async () => {
    h.sim.server.failNext({
      status: 429,
      headers: {
        'ratelimit-limit': '120',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '30',
      },
    });
    const error = await connector.fetchTicket(ctx, 'PABC123').catch(e => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.kind).toBe('rate_limited');
    expect(error.notBefore.getTime()).toBeGreaterThan(Date.now() + 25_000);
  });

  it('fails its connectivity test without from_email, or with an unknown one', async () => {
    const without = {
      ...ctx,
      integration: { ...ctx.integration, settings: {} },
    };
    expect(await connector.testConnection(without)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/from_email is not set/),
    });
    const unknown = {
      ...ctx,
      integration: {
        ...ctx.integration,
        id: 'other',
        settings: { from_email: 'ghost@example.com' },
      },
    };
    expect(await connector.testConnection(unknown)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/ghost@example.com/),
    });
  });

  const parse = async (webhook: WebhookRequest, on: ConnectorContext = ctx) => {
    expect(await connector.verifyWebhook(on, webhook)).toEqual({ ok: true });
    return parsedWebhook(await connector.parseWebhook(on, webhook));
  };
  /** The one change a delivery carries, checked against the event's id and time. */
  const changeOf = async (
    action: { webhook: WebhookRequest },
    on: ConnectorContext = ctx,
  ) => {
    const { changes, ignored } = await parse(action.webhook, on);
    expect({ changes: changes.length, ignored }).toEqual({
      changes: 1,
      ignored: [],
    });
    const event = JSON.parse(action.webhook.rawBody.toString()).event;
    expect(changes[0]).toMatchObject({
      eventId: event.id,
      occurredAt: event.occurred_at,
    });
    return changes[0];
  };

  it('knows what to do with every event type of the PagerDuty v3 catalogue', () => {
    const known = [
      ...ACTED_ON_PAGERDUTY_EVENTS,
      ...Object.keys(IGNORED_PAGERDUTY_EVENTS),
    ].sort();
    expect(known).toEqual(Object.keys(PAGERDUTY_EVENT_CATALOGUE).sort());
  });

  it('reads every event type PagerDuty sends, as it sends it: a change, or acknowledged with the reason', async () => {
    const events = await deliverEveryPagerDutyEvent(h.sim, {
      serviceId: 'PSVC002',
    });
    const read = new Map<string, Awaited<ReturnType<typeof parse>>>();
    for (const { eventType, webhook } of events)
      read.set(eventType, await parse(webhook));
    for (const type of ACTED_ON_PAGERDUTY_EVENTS) {
      expect({
        type,
        changes: read.get(type)!.changes.length,
        ignored: read.get(type)!.ignored,
      }).toEqual({ type, changes: 1, ignored: [] });
    }
    for (const [type, reason] of Object.entries(IGNORED_PAGERDUTY_EVENTS)) {
      expect({ type, ...read.get(type) }).toEqual({
        type,
        changes: [],
        ignored: [expect.objectContaining({ eventType: type, reason })],
      });
    }
    const only = (type: string) => read.get(type)!.changes[0];
    expect(only('incident.triggered')).toMatchObject({
      kind: 'created',
      fields: {
        title: 'Every event',
        description: 'Driven through every event',
      },
    });
    expect(only('incident.priority_updated')).toMatchObject({
      kind: 'updated',
      fields: { severity: 'SEV-1' },
    });
    expect(only('incident.responder.replied').timeline).toBe(
      'Carol Diaz answered the responder request in PagerDuty: joined',
    );
    expect(only('incident.conference_bridge.updated').timeline).toBe(
      'Conference bridge in PagerDuty: +1 555-0100,,123456#, https://meet.example.com/war-room',
    );
    expect(only('incident.status_update_published')).toMatchObject({
      kind: 'event',
      timeline:
        'Status update in PagerDuty by Alice Ng: A fix is being rolled out',
    });
    expect(only('incident.service_updated').timeline).toMatch(
      /Moved to PagerDuty service Core Infrastructure/,
    );
  });

  it('maps status, assignment, priority, notes and creation to platform fields', async () => {
    const inc = incident();
    const { externalId } = await connector.createTicket(ctx, {
      incident: inc,
      dedupKey: `hub-${inc.id}`,
    });
    expect(await changeOf(await h.sim.acknowledge(externalId))).toMatchObject({
      kind: 'updated',
      externalId,
      fields: { status: 'mitigated' },
    });
    expect(
      await changeOf(await h.sim.reassign(externalId, 'bob@example.com')),
    ).toMatchObject({ fields: { assigned_to: 'bob@example.com' } });
    expect(
      await changeOf(await h.sim.changePriority(externalId, 'P3')),
    ).toMatchObject({ fields: { severity: 'SEV-3' } });
    expect(
      await changeOf(await h.sim.annotate(externalId, 'Rolled back')),
    ).toMatchObject({
      kind: 'note',
      externalId,
      fields: {},
      note: { text: 'Rolled back', author: 'Alice Ng' },
    });
    expect(await changeOf(await h.sim.resolve(externalId))).toMatchObject({
      fields: { status: 'resolved' },
    });
    const triggered = await changeOf(
      await h.sim.trigger({
        title: 'Disk full',
        serviceId: 'PSVC002',
        urgency: 'low',
        details: 'from Datadog',
      }),
    );
    expect(triggered).toMatchObject({
      kind: 'created',
      fields: {
        title: 'Disk full',
        description: 'from Datadog',
        status: 'open',
        severity: 'SEV-3',
        assigned_to: 'bob@example.com',
        escalation_policy: 'PEPL002',
      },
      ticket: { externalId: triggered.externalId },
    });
  });

  it('takes the new assignees of an escalation, and its policy only with sync_escalations', async () => {
    const inc = incident();
    const { externalId } = await connector.createTicket(ctx, {
      incident: inc,
      dedupKey: `hub-${inc.id}`,
    });
    const escalated = await changeOf(await h.sim.escalate(externalId));
    expect(escalated).toMatchObject({
      kind: 'updated',
      fields: {
        assigned_to: 'carol@example.com',
        escalation_policy: 'PEPL001',
      },
      actor: 'Alice Ng',
    });
    expect(escalated.timeline).toMatch(
      /Escalated in PagerDuty by Alice Ng; now assigned to Carol Diaz/,
    );
    const off = {
      ...ctx,
      integration: {
        ...ctx.integration,
        settings: { ...ctx.integration.settings, sync_escalations: false },
      },
    };
    const again = await changeOf(await h.sim.reopen(externalId), off);
    expect(again.fields).toEqual({ status: 'open' });
    const unsynced = await changeOf(await h.sim.escalate(externalId), off);
    expect(unsynced.fields).toEqual({ assigned_to: 'carol@example.com' });
    expect(unsynced.timeline).toMatch(/Escalated/);
  });

  it('takes the policy and the new assignees of a delegation', async () => {
    const inc = incident();
    const { externalId } = await connector.createTicket(ctx, {
      incident: inc,
      dedupKey: `hub-${inc.id}`,
    });
    const delegated = await changeOf(
      await h.sim.delegate(externalId, 'PEPL002'),
    );
    expect(delegated).toMatchObject({
      kind: 'updated',
      fields: { escalation_policy: 'PEPL002', assigned_to: 'bob@example.com' },
    });
    expect(delegated.timeline).toBe(
      'Delegated in PagerDuty by Alice Ng to escalation policy Infrastructure escalation; now assigned to Bob Ruiz',
    );
  });

  it('opens incidents only from the services it names, and not at all with inbound_create off', async () => {
    // Scoped to the mapped service PSVC002 alone.
    const mappedOnly = {
      ...ctx,
      integration: {
        ...ctx.integration,
        settings: { ...ctx.integration.settings, default_service_id: null },
      },
    };
    const outside = await parse(
      (await h.sim.trigger({ title: 'Elsewhere', serviceId: 'PSVC001' }))
        .webhook,
      mappedOnly,
    );
    expect(outside).toEqual({
      changes: [],
      ignored: [
        expect.objectContaining({
          eventType: 'incident.triggered',
          reason: expect.stringMatching(
            /neither .*default_service_id nor a mapped service/,
          ),
        }),
      ],
    });
    const off = {
      ...ctx,
      integration: {
        ...ctx.integration,
        settings: { ...ctx.integration.settings, inbound_create: false },
      },
    };
    const mapped = (
      await h.sim.trigger({ title: 'Mapped but off', serviceId: 'PSVC002' })
    ).webhook;
    expect((await parse(mapped, off)).ignored[0].reason).toMatch(
      /inbound creation is turned off/,
    );
    const unscoped = {
      ...ctx,
      integration: {
        ...ctx.integration,
        settings: { from_email: 'alice@example.com' },
      },
    };
    expect((await parse(mapped, unscoped)).ignored[0].reason).toMatch(
      /names no PagerDuty service/,
    );
    expect(() => connector.validateSettings!({ inbound_create: 'no' })).toThrow(
      'inbound_create must be true or false',
    );
  });

  it('acknowledges an incident event without an incident id, and refuses only bodies it cannot read', async () => {
    const body = (event: Record<string, unknown>) => ({
      rawBody: Buffer.from(JSON.stringify({ event })),
      headers: {},
      method: 'POST',
      url: '/',
    });
    const envelope = {
      id: '01X',
      resource_type: 'incident',
      occurred_at: new Date().toISOString(),
    };
    expect(
      parsedWebhook(
        await connector.parseWebhook(
          ctx,
          body({
            ...envelope,
            event_type: 'incident.responder.replied',
            data: { type: 'incident_responder' },
          }),
        ),
      ),
    ).toEqual({
      changes: [],
      ignored: [
        {
          eventType: 'incident.responder.replied',
          reason: 'the event names no incident id',
          eventId: '01X',
        },
      ],
    });
    expect(
      parsedWebhook(
        await connector.parseWebhook(
          ctx,
          body({
            ...envelope,
            event_type: 'incident.something_new',
            data: { type: 'incident', id: 'P1' },
          }),
        ),
      ),
    ).toEqual({
      changes: [],
      ignored: [
        {
          eventType: 'incident.something_new',
          reason: expect.stringMatching(/not an event type/),
          eventId: '01X',
          externalId: 'P1',
        },
      ],
    });
    // A name that is also a property of every object is just an unknown event type.
    expect(
      parsedWebhook(
        await connector.parseWebhook(
          ctx,
          body({ ...envelope, event_type: 'constructor', data: {} }),
        ),
      ).ignored,
    ).toEqual([
      {
        eventType: 'constructor',
        reason: 'not an event type of the PagerDuty v3 catalogue the hub knows',
        eventId: '01X',
      },
    ]);
    await expect(
      connector.parseWebhook(ctx, {
        ...body({}),
        rawBody: Buffer.from('not json'),
      }),
    ).rejects.toThrow(/not JSON/);
    await expect(
      connector.parseWebhook(ctx, body({ id: 'x' })),
    ).rejects.toThrow(/event_type/);
  });

  it('lists who is on call for a schedule and refuses a malformed schedule id', async () => {
    expect(await connector.listOncall!(ctx, 'PSCH002')).toEqual([
      expect.objectContaining({
        user: 'Bob Ruiz',
        email: 'bob@example.com',
        escalationLevel: 1,
        escalationPolicy: 'Infrastructure escalation',
      }),
    ]);
    await expect(connector.listOncall!(ctx, 'bad id')).rejects.toThrow(
      /not a PagerDuty schedule id/,
    );
  });

  it('refuses settings that would break syncing', () => {
    expect(() => connector.validateSettings!({ from_email: 'nope' })).toThrow(
      /from_email/,
    );
    expect(() => connector.validateSettings!({})).not.toThrow();
  });
});
