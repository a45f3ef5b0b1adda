import { mockServices } from '@backstage/backend-test-utils';
import {
  ConnectorError,
  type ConnectorContext,
  type PlatformIncident,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { testOutboundPolicy } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { JIRA_AGENTS, JiraSimulator } from '@itsm-sync-hub/simulators';
import { jiraIntegration } from '../__testUtils__/harness';
import { JiraConnector } from './JiraConnector';

const connector = new JiraConnector();
let sim: JiraSimulator;
let ctx: ConnectorContext;

const incident = (
  overrides: Partial<PlatformIncident> = {},
): PlatformIncident => ({
  id: `inc-${Math.random().toString(36).slice(2)}`,
  title: 'Search latency',
  description: 'p95 up',
  severity: 'SEV-3',
  status: 'open',
  assigned_to: null,
  escalation_policy: null,
  entity_ref: null,
  ...overrides,
});

beforeAll(async () => {
  sim = await JiraSimulator.start({ maxPageSize: 2, projects: ['OPS', 'PAY'] });
  ctx = {
    integration: jiraIntegration(sim),
    logger: mockServices.logger.mock(),
    outbound: testOutboundPolicy(),
  };
});
afterAll(() => sim.stop());

describe('Jira connector against the simulator', () => {
  it('creates an issue already in a later status, assigned by accountId', async () => {
    const ticket = await connector.createTicket(ctx, {
      incident: incident({
        status: 'closed',
        assigned_to: JIRA_AGENTS[0].accountId,
        severity: 'SEV-4',
      }),
      dedupKey: 'itsm-closed-1',
    });
    expect(ticket.fields).toMatchObject({
      status: 'closed',
      assigned_to: JIRA_AGENTS[0].accountId,
      severity: 'SEV-4',
    });
    expect(ticket.dedupKey).toBe('itsm-closed-1');
    expect(ticket.url).toBe(`${sim.baseUrl}/browse/${ticket.externalKey}`);
    expect(sim.issue(ticket.externalId)).toMatchObject({
      status: 'Closed',
      priority: 'Low',
    });
  });

  it("creates the issue in routing's target project over project_key, and finds it there again by its dedup key", async () => {
    const ticket = await connector.createTicket(ctx, {
      incident: incident(),
      dedupKey: 'itsm-routed-1',
      target: { project_key: 'PAY', service_id: 'PIGNORED' },
    });
    expect(ticket.externalKey).toMatch(/^PAY-\d+$/);
    expect(sim.issue(ticket.externalId)!.projectKey).toBe('PAY');
    // A retry after a crash must find this issue, not create a second one in OPS.
    const found = await connector.findTicketByDedupKey(ctx, 'itsm-routed-1');
    expect(found?.externalId).toBe(ticket.externalId);
  });

  it('fetches several tickets with one JQL id query, following nextPageToken', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await connector.createTicket(ctx, {
            incident: incident(),
            dedupKey: `itsm-batch-${i}`,
          })
        ).externalId,
      );
    const before = sim.server.calls.length;
    const tickets = await connector.fetchTickets!(ctx, [...ids, 'not-an-id']);
    expect(tickets.map(t => t.externalId)).toEqual(ids);
    const searches = sim.server.calls
      .slice(before)
      .filter(c => c.path === '/rest/api/3/search/jql');
    expect(searches).toHaveLength(2); // page size 2
    expect((searches[0].body as any).jql).toBe(
      `id in (${ids.join(', ')}) ORDER BY id ASC`,
    );
  });

  it('stops a search that keeps handing out the same page token, as a retryable failure', async () => {
    // The next two searches answer a page with no issues that is never the last.
    const injected = await fetch(`${sim.baseUrl}/__admin/failures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        status: 200,
        body: { issues: [], isLast: false, nextPageToken: 'same-again' },
        pathPrefix: '/rest/api/3/search/jql',
        count: 2,
      }),
    });
    expect(injected.status).toBe(204);
    const stopped = await connector.fetchTickets!(ctx, ['10001']).catch(
      (e: unknown) => e,
    );
    expect(stopped).toBeInstanceOf(ConnectorError);
    expect(stopped).toMatchObject({
      kind: 'retryable',
      message:
        'Jira kept paging a search of 1 issue ids; stopped after 2 pages',
    });
  });

  it('refuses a status no transition can reach, as a permanent failure naming the mapping', async () => {
    const odd = {
      ...ctx,
      integration: jiraIntegration(sim, {
        settings: { status_map: { mitigated: ['Monitoring'] } },
      }),
    };
    const ticket = await connector.createTicket(odd, {
      incident: incident(),
      dedupKey: 'itsm-odd-1',
    });
    const error = await connector
      .updateTicket(odd, {
        externalId: ticket.externalId,
        changes: { status: 'mitigated' },
        incident: incident(),
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(
      /no workflow transition leads from '.*' to a status mapped to 'mitigated' \(Monitoring\)/,
    );
  });

  it('turns an exhausted budget into rate_limited with the reset time Jira gave', async () => {
    sim.server.setBudget(0, 30_000);
    try {
      const error = await connector.fetchTicket(ctx, '10000').catch(e => e);
      expect(error).toMatchObject({ kind: 'rate_limited', status: 429 });
      expect(error.notBefore.getTime()).toBeGreaterThan(Date.now() + 20_000);
    } finally {
      sim.server.setBudget(Infinity);
    }
  });

  it('keeps a vendor 400 body on a permanent failure, without credentials in the message', async () => {
    const error = await connector
      .updateTicket(ctx, {
        externalId: (
          await connector.createTicket(ctx, {
            incident: incident(),
            dedupKey: 'itsm-bad-assignee',
          })
        ).externalId,
        changes: { assigned_to: 'nobody-here' },
        incident: incident(),
      })
      .catch(e => e);
    expect(error).toMatchObject({ kind: 'permanent', status: 400 });
    expect(JSON.parse(error.body)).toEqual({
      errorMessages: [],
      errors: { assignee: "User 'nobody-here' cannot be assigned issues." },
    });
    expect(error.message).not.toContain(sim.credentials.api_token);
  });

  it('reports a failed connectivity test with the reason, not an exception', async () => {
    sim.server.failNext({ status: 503 });
    const result = await connector.testConnection(ctx);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(
      /Jira GET \/rest\/api\/3\/myself answered 503/,
    );
  });
});
