import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { integrationRouteRef } from '../../routes';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import {
  aDlqEntry,
  anIntegration,
  aSyncStatus,
} from '../../testUtils/fixtures';
import { IntegrationPage } from './IntegrationPage';

function withHistory() {
  const api = new FakeItsmSyncApi();
  api.integrations = [
    anIntegration({
      settings: { instance: 'acme', inbound_create: false },
      credential_keys: ['username', 'password'],
    }),
  ];
  api.statuses.set(
    'int-snow',
    aSyncStatus({ health: 'degraded', outbox_pending: 7, dlq_size: 1 }),
  );
  api.series.set(
    'int-snow',
    Array.from({ length: 60 }, (_, n) => ({
      at: new Date(Date.UTC(2026, 11, 6, 10, n)).toISOString(),
      outbound_per_minute: n === 59 ? 42 : 0,
      inbound_per_minute: n === 59 ? 5 : 0,
      failures: 0,
      conflicts: 0,
      latency_p50_ms: n === 59 ? 180 : null,
      latency_p95_ms: n === 59 ? 900 : null,
      outbox_backlog: 7,
      dlq_size: 1,
    })),
  );
  api.ownership.set('int-snow', [
    { field: 'severity', owner: 'platform', priority: 10 },
  ]);
  api.reconcileRuns = [
    {
      id: 'run-1',
      integration_id: 'int-snow',
      dry_run: true,
      auto_heal: false,
      trigger: 'manual',
      status: 'succeeded',
      checked: 12,
      discrepancies_found: 1,
      healed: 0,
      discrepancies: [
        {
          kind: 'field_mismatch',
          incident_id: 'inc-1',
          external_id: 'INC0010001',
          field: 'severity',
          platform_value: 'SEV-1',
          external_value: 'SEV-3',
          owner: 'platform',
          action: 'push_platform',
        },
      ],
      error: null,
      started_at: '2026-12-06T09:00:00.000Z',
      finished_at: '2026-12-06T09:00:02.000Z',
      duration_ms: 2000,
    },
  ];
  api.dlq = [aDlqEntry()];
  return api;
}

async function renderPage(api: FakeItsmSyncApi, id = 'int-snow') {
  await renderInTestApp(<IntegrationPage />, {
    apis: [[itsmSyncApiRef, api]],
    mountPath: '/itsm-sync/integrations/:id',
    initialRouteEntries: [`/itsm-sync/integrations/${id}`],
    mountedRoutes: { '/itsm-sync/integrations/:id': integrationRouteRef },
  });
}

describe('IntegrationPage', () => {
  it('shows health, the charts of the last hour, read-only settings, ownership, reconcile history and the DLQ', async () => {
    const api = withHistory();
    await renderPage(api);

    expect(
      await screen.findByRole('heading', { name: 'prod-snow' }),
    ).toBeInTheDocument();
    const health = screen.getByRole('region', { name: 'Health' });
    expect(within(health).getByText('Degraded')).toBeInTheDocument();
    expect(
      within(health).getByRole('article', { name: 'Outbox backlog' }),
    ).toHaveTextContent('7');

    const charts = screen.getByRole('region', { name: 'Sync over time' });
    expect(
      await within(charts).findByText('Latest: Sent 42, Received 5'),
    ).toBeInTheDocument();
    expect(
      within(charts).getByText('Latest: p50 180 ms, p95 900 ms'),
    ).toBeInTheDocument();
    expect(
      within(charts).getByText('Latest: Outbox backlog 7, DLQ size 1'),
    ).toBeInTheDocument();
    expect(api.calls).toContain('getMetricSeries int-snow 1h');

    const settings = screen.getByRole('region', { name: 'Settings' });
    expect(
      within(settings).getByRole('row', { name: /Credentials/ }),
    ).toHaveTextContent('username, password');
    expect(
      within(settings).getByRole('row', { name: /inbound_create/ }),
    ).toHaveTextContent('false');
    expect(within(settings).queryByRole('textbox')).not.toBeInTheDocument();

    const ownership = screen.getByRole('region', { name: 'Field ownership' });
    expect(
      await within(ownership).findByRole('row', { name: /severity/ }),
    ).toHaveTextContent('platform');

    const reconcile = screen.getByRole('region', { name: 'Reconcile history' });
    expect(
      await within(reconcile).findByText(
        'severity of INC0010001: platform SEV-1, ticket SEV-3 (push_platform)',
      ),
    ).toBeInTheDocument();

    const dlq = screen.getByRole('region', { name: 'Dead-letter queue' });
    expect(
      await within(dlq).findByText(
        '400: ServiceNow answered 400: Invalid state transition',
      ),
    ).toBeInTheDocument();
  });

  it('switches the charts to the last week', async () => {
    const api = withHistory();
    await renderPage(api);
    const week = await screen.findByRole('radio', { name: 'Last week' });
    week.click();
    await screen.findByText('Latest: Sent 42, Received 5');
    expect(api.calls).toContain('getMetricSeries int-snow 1w');
  });

  it('shows the backend’s message for an unknown integration', async () => {
    await renderPage(withHistory(), 'nope');
    expect(
      await screen.findByText(/Integration nope not found/),
    ).toBeInTheDocument();
  });
});
