import type {
  FieldOwnershipRule,
  SyncDirection,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { IntegrationRecord, LinkWithIntegration } from '../store/types';
import { planNote, planOutbound, type ConnectorLookup } from './outboundPlan';

const SNOW_RULES: FieldOwnershipRule[] = [
  { field: 'title', owner: 'platform', priority: 10 },
  { field: 'assigned_to', owner: 'external', priority: 5 },
  { field: 'work_notes', owner: 'external', priority: 5 },
];

function linked(
  id: string,
  options: {
    type?: string;
    direction?: SyncDirection;
    enabled?: boolean;
    externalId?: string | null;
    rules?: FieldOwnershipRule[];
    syncState?: LinkWithIntegration['link']['sync_state'];
  } = {},
): LinkWithIntegration {
  const integration = {
    id,
    name: id,
    integration_type: options.type ?? 'servicenow',
    sync_direction: options.direction ?? 'bidirectional',
    enabled: options.enabled ?? true,
  } as IntegrationRecord;
  return {
    integration,
    rules: options.rules ?? SNOW_RULES,
    link: {
      id: `link-${id}`,
      incident_id: 'inc-1',
      integration_id: id,
      external_id:
        options.externalId === undefined ? `EXT-${id}` : options.externalId,
      sync_state: options.syncState ?? 'in_sync',
    } as LinkWithIntegration['link'],
  };
}

const connectors: ConnectorLookup & { sendsNotes(type: string): boolean } = {
  canSend: type => type !== 'inbound-only-connector',
  sendsNotes: type => type !== 'no-notes-connector',
  mapperFor: () => field =>
    field === 'work_notes' || field === 'comments' ? 'notes' : field,
};

const plan = (
  links: LinkWithIntegration[],
  changes: Record<string, unknown>,
  source = 'platform',
) =>
  planOutbound({
    incidentId: 'inc-1',
    changes,
    source,
    links,
    connectors,
    traceContext: { traceparent: 't' },
  });

describe('a link whose ticket the vendor deleted', () => {
  it('gets neither changes nor notes', () => {
    const gone = linked('a', { syncState: 'gone' });
    expect(
      plan([gone, linked('b')], { title: 'T' }).map(r => r.integration_id),
    ).toEqual(['b']);
    const notes = planNote({
      incidentId: 'inc-1',
      note: { text: 'n' },
      source: 'platform',
      links: [gone, linked('b', { rules: [] })],
      connectors,
    });
    expect(notes.map(r => r.integration_id)).toEqual(['b']);
  });
});

describe('planOutbound', () => {
  it('writes one sync row per eligible integration with the fields it may receive', () => {
    const rows = plan([linked('a'), linked('b', { rules: [] })], {
      title: 'T',
      assigned_to: 'bob',
    });
    expect(rows).toEqual([
      {
        integration_id: 'a',
        incident_id: 'inc-1',
        operation: 'sync',
        payload: { changes: { title: 'T' } },
        trace_context: { traceparent: 't' },
      },
      {
        integration_id: 'b',
        incident_id: 'inc-1',
        operation: 'sync',
        payload: { changes: { title: 'T', assigned_to: 'bob' } },
        trace_context: { traceparent: 't' },
      },
    ]);
  });

  it.each<[string, LinkWithIntegration]>([
    ['a disabled integration', linked('a', { enabled: false })],
    ['an inbound-only integration', linked('a', { direction: 'inbound' })],
    [
      'an integration whose connector cannot send',
      linked('a', { type: 'inbound-only-connector' }),
    ],
  ])('skips %s', (_name, link) => {
    expect(plan([link], { title: 'T' })).toEqual([]);
  });

  it('sends on outbound-only integrations', () => {
    expect(
      plan([linked('a', { direction: 'outbound' })], { title: 'T' }),
    ).toHaveLength(1);
  });

  it('does not send a change back to the integration it came from, but fans it out to the others', () => {
    const rows = plan(
      [linked('a'), linked('b')],
      { title: 'T' },
      'integration:a',
    );
    expect(rows.map(r => r.integration_id)).toEqual(['b']);
  });

  it('skips a linked ticket when ownership leaves nothing to send', () => {
    expect(plan([linked('a')], { assigned_to: 'bob' })).toEqual([]);
  });

  it('still plans a row for a link without a ticket, so the first delivery creates it', () => {
    const rows = plan([linked('a', { externalId: null })], {
      assigned_to: 'bob',
    });
    expect(rows).toEqual([
      expect.objectContaining({
        integration_id: 'a',
        operation: 'sync',
        payload: { changes: {} },
      }),
    ]);
  });

  it('writes no trace context when none is given', () => {
    const rows = planOutbound({
      incidentId: 'inc-1',
      changes: { title: 'T' },
      source: 'platform',
      links: [linked('a')],
      connectors,
    });
    expect(rows[0].trace_context).toBeNull();
  });

  it('plans nothing without links', () => {
    expect(plan([], { title: 'T' })).toEqual([]);
  });
});

describe('planNote', () => {
  const note = { text: 'Restarted the primary', author: 'alice' };
  const notePlan = (links: LinkWithIntegration[], source = 'platform') =>
    planNote({ incidentId: 'inc-1', note, source, links, connectors });

  it('sends a note where the platform side may write notes', () => {
    expect(notePlan([linked('a', { rules: [] })])).toEqual([
      {
        integration_id: 'a',
        incident_id: 'inc-1',
        operation: 'note',
        payload: { notes: [note] },
        trace_context: null,
      },
    ]);
  });

  it('skips an integration whose external side owns the notes', () => {
    expect(notePlan([linked('a')])).toEqual([]);
  });

  it.each<[string, LinkWithIntegration]>([
    ['a disabled integration', linked('a', { rules: [], enabled: false })],
    [
      'an inbound-only integration',
      linked('a', { rules: [], direction: 'inbound' }),
    ],
    [
      'a connector without notes',
      linked('a', { rules: [], type: 'no-notes-connector' }),
    ],
  ])('skips %s', (_name, link) => {
    expect(notePlan([link])).toEqual([]);
  });

  it('does not send a note back to the integration it came from', () => {
    expect(
      notePlan(
        [linked('a', { rules: [] }), linked('b', { rules: [] })],
        'integration:b',
      ).map(r => r.integration_id),
    ).toEqual(['a']);
  });
});
