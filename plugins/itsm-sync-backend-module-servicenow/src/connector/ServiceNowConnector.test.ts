import { mockServices } from '@backstage/backend-test-utils';
import type {
  ConnectorContext,
  PlatformIncident,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { testOutboundPolicy } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import { ServiceNowConnector } from './ServiceNowConnector';

const incident = (title: string): PlatformIncident => ({
  id: `inc-${title}`,
  title,
  description: '',
  severity: 'SEV-3',
  status: 'open',
  assigned_to: null,
  escalation_policy: null,
  entity_ref: null,
});

describe('ServiceNow connector against the simulator', () => {
  let sim: ServiceNowSimulator;
  let clock: Date;
  const connector = new ServiceNowConnector();
  const ctx = (
    credentials: Record<string, string>,
    settings: Record<string, unknown> = {},
  ): ConnectorContext => ({
    integration: {
      id: 'i1',
      name: 'snow',
      organizationId: 'acme',
      baseUrl: sim.baseUrl,
      credentials,
      webhookSecrets: ['secret-1234'],
      settings,
    },
    logger: mockServices.logger.mock(),
    outbound: testOutboundPolicy(),
  });
  const basic = () =>
    ctx({
      username: sim.credentials.username,
      password: sim.credentials.password,
    });
  const tick = (seconds = 1) => {
    clock = new Date(clock.getTime() + seconds * 1000);
  };

  beforeEach(async () => {
    clock = new Date('2024-06-01T10:00:00Z');
    sim = await ServiceNowSimulator.start({ now: () => clock });
  });
  afterEach(() => sim.stop());

  it('fetches several tickets with one sys_idIN query', async () => {
    const a = await connector.createTicket(basic(), {
      incident: incident('a'),
      dedupKey: 'k-a',
    });
    const b = await connector.createTicket(basic(), {
      incident: incident('b'),
      dedupKey: 'k-b',
    });
    const before = sim.server.calls.length;
    const tickets = await connector.fetchTickets!(basic(), [
      a.externalId,
      b.externalId,
      a.externalId,
    ]);
    expect(tickets.map(t => t.fields.title).sort()).toEqual(['a', 'b']);
    expect(sim.server.calls.length - before).toBe(1);
  });

  it('does not hide a ticket when another changes between pages', async () => {
    const ids: string[] = [];
    for (const title of ['t0', 't1', 't2', 't3', 't4']) {
      ids.push(
        (
          await connector.createTicket(basic(), {
            incident: incident(title),
            dedupKey: `k-${title}`,
          })
        ).externalId,
      );
      tick();
    }
    const paged = ctx(
      {
        username: sim.credentials.username,
        password: sim.credentials.password,
      },
      { page_size: 2 },
    );
    const since = new Date('2024-06-01T09:00:00Z');
    const first = await connector.listChangedSince(paged, since);
    expect(first.tickets.map(t => t.fields.title)).toEqual(['t0', 't1']);
    // t0 changes mid-scan and moves to the end of the ordering.
    tick(10);
    await connector.updateTicket(paged, {
      externalId: ids[0],
      changes: { title: 't0*' },
      incident: incident('t0*'),
    });
    const seen = [...first.tickets];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await connector.listChangedSince(paged, since, cursor);
      seen.push(...page.tickets);
      cursor = page.nextCursor;
    }
    expect(seen.map(t => t.fields.title)).toEqual([
      't0',
      't1',
      't2',
      't3',
      't4',
      't0*',
    ]);
  });

  it('keeps several tickets changed in the same second apart across pages', async () => {
    for (const title of ['s0', 's1', 's2', 's3', 's4']) {
      await connector.createTicket(basic(), {
        incident: incident(title),
        dedupKey: `k-${title}`,
      });
    }
    const paged = ctx(
      {
        username: sim.credentials.username,
        password: sim.credentials.password,
      },
      { page_size: 2 },
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await connector.listChangedSince(
        paged,
        new Date('2024-06-01T09:00:00Z'),
        cursor,
      );
      seen.push(...page.tickets.map(t => t.externalId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(
      connector.listChangedSince(basic(), new Date(), 'bm9uc2Vuc2U'),
    ).rejects.toThrow('cursor is not one this connector issued');
  });

  it('reuses an OAuth token and fetches a new one when the instance stops accepting it', async () => {
    const oauth = ctx({
      client_id: sim.credentials.client_id,
      client_secret: sim.credentials.client_secret,
    });
    const tokenCalls = () =>
      sim.server.calls.filter(c => c.path === '/oauth_token.do').length;
    await connector.createTicket(oauth, {
      incident: incident('o1'),
      dedupKey: 'k-o1',
    });
    await connector.findTicketByDedupKey(oauth, 'k-o1');
    expect(tokenCalls()).toBe(1);
    sim.auth.revokeTokens();
    await expect(
      connector.findTicketByDedupKey(oauth, 'k-o1'),
    ).resolves.toMatchObject({ dedupKey: 'k-o1' });
    expect(tokenCalls()).toBe(2);
  });

  it('makes no call for changes ServiceNow does not hold', async () => {
    const t = await connector.createTicket(basic(), {
      incident: incident('x'),
      dedupKey: 'k-x',
    });
    const before = sim.server.calls.length;
    await connector.updateTicket(basic(), {
      externalId: t.externalId,
      changes: { escalation_policy: 'P1' },
      incident: incident('x'),
    });
    expect(sim.server.calls.length).toBe(before);
  });

  it("sets routing's assignment group and CI on the new incident, by name or sys_id", async () => {
    const group = sim.store.addNamed('sys_user_group', 'payments-ops');
    const ci = sim.store.addNamed('cmdb_ci', 'billing-db');
    const t = await connector.createTicket(basic(), {
      incident: incident('routed'),
      dedupKey: 'k-routed',
      target: {
        assignment_group: 'payments-ops',
        configuration_item: ci.sys_id,
        project_key: 'IGNORED',
      },
    });
    expect(sim.incident(t.externalId)).toMatchObject({
      assignment_group: group.sys_id,
      cmdb_ci: ci.sys_id,
    });
    // Without a target the instance's own assignment rules decide: nothing is written.
    const plain = await connector.createTicket(basic(), {
      incident: incident('plain'),
      dedupKey: 'k-plain',
    });
    expect(sim.incident(plain.externalId)).toMatchObject({
      assignment_group: '',
      cmdb_ci: '',
    });
  });

  it('writes the assignee by display value and reads it back as the person', async () => {
    const t = await connector.createTicket(basic(), {
      incident: { ...incident('y'), assigned_to: 'Beth Anglin' },
      dedupKey: 'k-y',
    });
    expect(sim.incident(t.externalId)!.assigned_to).toBe(
      sim.store.findUser('beth.anglin')!.sys_id,
    );
    expect(t.fields.assigned_to).toBe('Beth Anglin');
    const cleared = await connector.updateTicket(basic(), {
      externalId: t.externalId,
      changes: { assigned_to: null },
      incident: incident('y'),
    });
    expect(cleared && cleared.fields.assigned_to).toBeNull();
  });

  it('reports a failed connectivity test without the password', async () => {
    const result = await connector.testConnection(
      ctx({ username: sim.credentials.username, password: 'wrong-pass-123' }),
    );
    expect(result.ok).toBe(false);
    expect(result.message).toContain('401');
    expect(result.message).not.toContain('wrong-pass-123');
  });
});
