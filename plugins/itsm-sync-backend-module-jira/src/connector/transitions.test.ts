import { mockServices } from '@backstage/backend-test-utils';
import {
  ConnectorError,
  type VendorHttpClient,
  type VendorRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { testOutboundPolicy } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { JiraSimulator } from '@itsm-sync-hub/simulators';
import { jiraIntegration } from '../__testUtils__/harness';
import { jiraClient } from './client';
import { JiraConnector } from './JiraConnector';
import { chooseTransition, transitionTo } from './transitions';
import { readSettings } from './settings';

const settings = readSettings({ project_key: 'OPS' });
const t = (id: string, to: string) => ({
  id,
  name: `to ${to}`,
  to: { name: to },
});

describe('choosing the next workflow transition', () => {
  it('takes a transition that reaches the mapped status directly, the preferred name first', () => {
    const choice = chooseTransition(
      settings,
      [
        t('31', 'Waiting for customer'),
        t('21', 'Mitigated'),
        t('41', 'Resolved'),
      ],
      'mitigated',
      new Set(),
    );
    expect(choice?.id).toBe('21');
  });

  it('steps towards the target when no transition reaches it', () => {
    expect(
      chooseTransition(
        settings,
        [t('11', 'In Progress')],
        'closed',
        new Set(['to do']),
      )?.id,
    ).toBe('11');
    // From Resolved towards mitigated: Reopen (open) is nearer than Close (closed).
    expect(
      chooseTransition(
        settings,
        [t('61', 'Closed'), t('71', 'To Do')],
        'mitigated',
        new Set(['resolved']),
      )?.id,
    ).toBe('71');
  });

  it('never walks back to a status already visited, and gives up when nothing is left', () => {
    expect(
      chooseTransition(
        settings,
        [t('81', 'To Do')],
        'closed',
        new Set(['to do', 'in progress']),
      ),
    ).toBeUndefined();
  });
});

describe('moving an issue through the workflow', () => {
  let sim: JiraSimulator;

  beforeAll(async () => {
    sim = await JiraSimulator.start();
  });
  afterAll(() => sim.stop());

  it('treats a transition refused because a person moved the issue meanwhile as worth retrying', async () => {
    const ctx = {
      integration: jiraIntegration(sim),
      logger: mockServices.logger.mock(),
      outbound: testOutboundPolicy(),
    };
    const ticket = await new JiraConnector().createTicket(ctx, {
      incident: {
        id: 'inc-race',
        title: 'Race',
        description: '',
        severity: 'SEV-3',
        status: 'open',
        assigned_to: null,
        escalation_policy: null,
        entity_ref: null,
      },
      dedupKey: 'itsm-race-1',
    });
    const client = jiraClient(ctx);
    const racing = Object.create(client) as VendorHttpClient;
    // A person resolves the issue right after the hub read its transitions.
    racing.request = async (req: VendorRequest) => {
      const res = await client.request(req);
      if ((req.method ?? 'GET') === 'GET' && req.path.endsWith('/transitions'))
        await sim.transitionAsPerson(ticket.externalKey!, 'Resolved');
      return res as any;
    };
    const error = await transitionTo(
      racing,
      settings,
      ticket.externalId,
      'To Do',
      'mitigated',
    ).catch(e => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ kind: 'retryable', status: 400 });
    expect(error.message).toMatch(/changed status while the hub was moving it/);
    // The next attempt starts from where the person left the issue and gets there.
    await transitionTo(
      client,
      settings,
      ticket.externalId,
      'Resolved',
      'mitigated',
    );
    expect(sim.issue(ticket.externalId)!.status).toBe('Mitigated');
  });
});
