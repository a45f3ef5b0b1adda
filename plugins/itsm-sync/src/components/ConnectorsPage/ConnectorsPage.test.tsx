import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import {
  aConnector,
  aDlqEntry,
  anIntegration,
  aSyncStatus,
} from '../../testUtils/fixtures';
import { integrationRouteRef } from '../../routes';
import { ConnectorsPage } from './ConnectorsPage';

function marketplace() {
  const api = new FakeItsmSyncApi();
  api.connectors = [
    aConnector(),
    aConnector({
      type: 'pagerduty',
      display_name: 'PagerDuty',
      capabilities: { outbound: true, inbound: true, comments: false },
      webhook_auth: 'HMAC-SHA256 (X-PagerDuty-Signature)',
      default_field_ownership: [
        { field: 'escalation_policy', owner: 'external', priority: 5 },
      ],
    }),
  ];
  api.integrations = [
    anIntegration(),
    anIntegration({
      id: 'int-pd',
      name: 'pd-oncall',
      integration_type: 'pagerduty',
    }),
  ];
  api.statuses.set(
    'int-snow',
    aSyncStatus({
      health: 'healthy',
      metrics: {
        outbound_success: 42,
        outbound_failed: 1,
        inbound_success: 17,
        inbound_failed: 0,
        conflicts_detected: 3,
        conflicts_resolved: 2,
        drift_discrepancies: 4,
      },
      dlq_size: 1,
    }),
  );
  api.statuses.set(
    'int-pd',
    aSyncStatus({
      integration_id: 'int-pd',
      health: 'failing',
      last_error: 'PagerDuty answered 401',
      ignored_events: [
        {
          event_type: 'incident.workflow.started',
          reason:
            'incident workflow runs are PagerDuty automation with nothing to sync',
          count: 4,
          first_seen_at: '2026-12-04T10:00:00.000Z',
          last_seen_at: '2026-12-04T11:00:00.000Z',
          last_event_id: '01ABC',
          last_external_id: 'PABC123',
        },
        {
          event_type: 'pagey.ping',
          reason: 'a test delivery of the webhook subscription',
          count: 1,
          first_seen_at: '2026-12-04T09:00:00.000Z',
          last_seen_at: '2026-12-04T09:00:00.000Z',
          last_event_id: '01ABD',
          last_external_id: null,
        },
      ],
    }),
  );
  api.dlq = [aDlqEntry()];
  return api;
}

/** The cell of `row` in the column whose header is the human label of `metric` (its name is the header's tooltip). */
function cellUnder(row: HTMLElement, metric: string): HTMLElement {
  const headers = screen.getAllByRole('columnheader');
  const index = headers.findIndex(h =>
    within(h).queryByRole('button', { description: metric }),
  );
  expect(index).toBeGreaterThanOrEqual(0);
  return row.querySelectorAll<HTMLElement>(
    '[role="rowheader"], [role="gridcell"]',
  )[index];
}

describe('ConnectorsPage', () => {
  it('lays installed connector modules out as cards with capabilities, webhook auth and default ownership', async () => {
    await renderInTestApp(<ConnectorsPage />, {
      apis: [[itsmSyncApiRef, marketplace()]],
    });

    const installed = await screen.findByRole('region', {
      name: 'Installed connectors',
    });
    expect(within(installed).getByText('ServiceNow')).toBeInTheDocument();
    expect(within(installed).getByText('PagerDuty')).toBeInTheDocument();
    expect(
      within(installed).getByText(
        'Webhook auth: HMAC-SHA256 (X-PagerDuty-Signature)',
      ),
    ).toBeInTheDocument();

    const snowOwnership = within(installed).getByRole('list', {
      name: 'ServiceNow default field ownership',
    });
    expect(
      within(snowOwnership).getByText('severity: platform (priority 10)'),
    ).toBeInTheDocument();
    expect(
      within(snowOwnership).getByText('assigned_to: external (priority 5)'),
    ).toBeInTheDocument();

    // Unsupported capabilities are not advertised.
    expect(within(installed).getAllByText('comments')).toHaveLength(1);
  });

  it('shows each configured integration’s health and the spec’s metrics', async () => {
    await renderInTestApp(<ConnectorsPage />, {
      apis: [[itsmSyncApiRef, marketplace()]],
      mountedRoutes: { '/itsm-sync/integrations/:id': integrationRouteRef },
    });

    const snow = await screen.findByRole('row', { name: /prod-snow/ });
    expect(await within(snow).findByText('Healthy')).toBeInTheDocument();
    // Column headers are human labels; the metric's name is their tooltip.
    for (const label of [
      'Sent',
      'Failed out',
      'Received',
      'Conflicts',
      'Drift',
      'DLQ',
    ])
      expect(
        screen.getByRole('columnheader', { name: new RegExp(`^${label}`) }),
      ).toBeInTheDocument();
    expect(
      within(snow).getByRole('link', { name: 'prod-snow' }),
    ).toHaveAttribute('href', '/itsm-sync/integrations/int-snow');
    // Focusable, and described by the metric's name that its tooltip shows.
    expect(
      screen.getByRole('button', { name: 'Sent' }),
    ).toHaveAccessibleDescription('outbound_success');
    expect(cellUnder(snow, 'outbound_success')).toHaveTextContent('42');
    expect(cellUnder(snow, 'outbound_failed')).toHaveTextContent('1');
    expect(cellUnder(snow, 'inbound_success')).toHaveTextContent('17');
    expect(cellUnder(snow, 'conflicts_detected')).toHaveTextContent('3');
    expect(cellUnder(snow, 'drift_discrepancies')).toHaveTextContent('4');

    const pd = screen.getByRole('row', { name: /pd-oncall/ });
    expect(await within(pd).findByText('Failing')).toBeInTheDocument();
    expect(within(pd).getByText('PagerDuty answered 401')).toBeInTheDocument();
    const ignored = within(pd).getByLabelText('Ignored webhook events');
    expect(ignored).toHaveTextContent(
      '5 webhook events acknowledged without action',
    );
    expect(ignored).toHaveTextContent(
      'incident.workflow.started ×4: incident workflow runs are PagerDuty automation with nothing to sync',
    );
    expect(ignored).toHaveTextContent(
      'pagey.ping ×1: a test delivery of the webhook subscription',
    );
    expect(
      within(snow).queryByLabelText('Ignored webhook events'),
    ).not.toBeInTheDocument();
  });

  it('marks an integration whose webhooks are refused degraded and says why', async () => {
    const api = new FakeItsmSyncApi();
    api.connectors = [aConnector()];
    api.integrations = [anIntegration()];
    api.statuses.set(
      'int-snow',
      aSyncStatus({
        health: 'degraded',
        webhooks_refused: [
          {
            reason: 'signature does not match',
            count_last_hour: 3,
            last_at: '2026-12-05T01:00:00.000Z',
          },
        ],
      }),
    );
    await renderInTestApp(<ConnectorsPage />, {
      apis: [[itsmSyncApiRef, api]],
    });
    const snow = await screen.findByRole('row', { name: /prod-snow/ });
    expect(await within(snow).findByText('Degraded')).toBeInTheDocument();
    expect(within(snow).getByLabelText('Refused webhooks')).toHaveTextContent(
      /webhooks refused: signature does not match \(3 in the last hour, last at .+\)/,
    );
  });

  it('shows the dead-letter queue of each integration', async () => {
    await renderInTestApp(<ConnectorsPage />, {
      apis: [[itsmSyncApiRef, marketplace()]],
    });
    const snowDlq = await screen.findByRole('region', {
      name: 'DLQ of prod-snow',
    });
    expect(
      await within(snowDlq).findByText(
        '400: ServiceNow answered 400: Invalid state transition',
      ),
    ).toBeInTheDocument();
    const pdDlq = screen.getByRole('region', { name: 'DLQ of pd-oncall' });
    expect(
      await within(pdDlq).findByText('The dead-letter queue is empty.'),
    ).toBeInTheDocument();
  });

  it('shows the backend’s message when the connectors cannot be listed', async () => {
    const api = marketplace();
    api.listConnectors = async () => {
      throw new Error('Permission denied: itsm-sync.read');
    };
    await renderInTestApp(<ConnectorsPage />, {
      apis: [[itsmSyncApiRef, api]],
    });
    expect(
      await screen.findByText('Error: Permission denied: itsm-sync.read'),
    ).toBeInTheDocument();
  });
});
