import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import { aLink, anIncident } from '../../testUtils/fixtures';
import { incidentRouteRef } from '../../routes';
import { EntityIncidentsCard } from './EntityIncidentsCard';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'itsm-sync.io/incidents': 'enabled' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

async function renderCard(api: FakeItsmSyncApi, entity: Entity = payments) {
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityIncidentsCard />
    </EntityProvider>,
    { apis: [[itsmSyncApiRef, api]] },
  );
}

function rowOf(integrationName: string) {
  return screen.getByText(integrationName).closest('tr') as HTMLElement;
}

describe('EntityIncidentsCard', () => {
  it('stays compact: a count per status, active incidents newest first, resolved ones folded', async () => {
    const api = new FakeItsmSyncApi();
    api.incidents = [
      anIncident({
        id: 'old',
        title: 'Old outage',
        created_at: '2025-01-01T00:00:00.000Z',
      }),
      anIncident({
        id: 'new',
        title: 'New outage',
        created_at: '2025-01-03T00:00:00.000Z',
        status: 'mitigated',
      }),
      anIncident({
        id: 'done',
        title: 'Fixed outage',
        created_at: '2025-01-04T00:00:00.000Z',
        status: 'resolved',
      }),
    ];
    await renderInTestApp(
      <EntityProvider entity={payments}>
        <EntityIncidentsCard />
      </EntityProvider>,
      {
        apis: [[itsmSyncApiRef, api]],
        mountedRoutes: { '/itsm-sync/incidents/:id': incidentRouteRef },
      },
    );
    const headings = await screen.findAllByRole('heading', { level: 3 });
    expect(headings.map(h => h.textContent)).toEqual([
      'New outage',
      'Old outage',
      'Fixed outage',
    ]);
    expect(screen.getByLabelText('Incidents per status')).toHaveTextContent(
      '1 open1 mitigated1 resolved',
    );
    const folded = screen
      .getByText('1 resolved or closed incident')
      .closest('details')!;
    expect(folded).not.toHaveAttribute('open');
    expect(within(folded).getByText('Fixed outage')).not.toBeVisible();
    expect(screen.getByRole('link', { name: 'New outage' })).toHaveAttribute(
      'href',
      '/itsm-sync/incidents/new',
    );
  });

  it('lists the entity’s incidents with each linked ticket, its link and last sync time', async () => {
    const api = new FakeItsmSyncApi();
    api.incidents = [
      anIncident({
        links: [
          aLink(),
          aLink({
            integration_id: 'int-jira',
            integration_name: 'jira-sm',
            integration_type: 'jira',
            external_key: 'OPS-42',
            external_url: 'http://jira.example/browse/OPS-42',
            last_synced_at: null,
          }),
        ],
      }),
      anIncident({ id: 'inc-2', title: 'Queue backlog', links: [] }),
      anIncident({
        id: 'inc-3',
        title: 'Someone else’s incident',
        entity_ref: 'component:default/other',
      }),
    ];
    await renderCard(api);

    expect(await screen.findByText('Checkout latency')).toBeInTheDocument();
    expect(api.calls).toContain(
      'listIncidentsForEntity component:default/payments',
    );
    expect(screen.getByRole('link', { name: /INC0010001/ })).toHaveAttribute(
      'href',
      'http://snow.example/incident/a1b2c3',
    );
    expect(screen.getByRole('link', { name: /OPS-42/ })).toHaveAttribute(
      'href',
      'http://jira.example/browse/OPS-42',
    );
    expect(within(rowOf('jira-sm')).getByText('never')).toBeInTheDocument();
    expect(
      within(rowOf('prod-snow')).queryByText('never'),
    ).not.toBeInTheDocument();
    expect(screen.getByText('Queue backlog')).toBeInTheDocument();
    expect(
      screen.getByText('Not linked to any ITSM ticket yet.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Someone else’s incident'),
    ).not.toBeInTheDocument();
  });

  it('offers Sync with ITSM on the routed integrations of an incident with no ticket yet, saying why', async () => {
    const api = new FakeItsmSyncApi();
    api.incidents = [
      anIncident({ id: 'inc-9', title: 'Fresh outage', links: [] }),
    ];
    api.routing.set('inc-9', [
      {
        integration_id: 'int-pd',
        integration_name: 'prod-pd',
        integration_type: 'pagerduty',
        reason: {
          kind: 'annotation',
          annotation: 'pagerduty.com/service-id',
          value: 'PSVC1',
          entity_ref: 'component:default/payments',
        },
        explanation:
          'annotation pagerduty.com/service-id=PSVC1 on component:default/payments',
        target: {},
        target_sources: [],
      },
    ]);
    api.tickets.set('int-pd', { external_id: 'PX1', external_key: null });
    await renderCard(api);

    expect(
      await screen.findByText(
        'annotation pagerduty.com/service-id=PSVC1 on component:default/payments',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Not linked to any ITSM ticket yet.'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: /Sync with ITSM \(int-pd\)/ }),
    );
    expect(await screen.findByText('Ticket PX1')).toBeInTheDocument();
    expect(api.calls).toContain('syncIncident int-pd inc-9');
  });

  it('reads incidents of the entity named by the annotation when it is not "enabled"', async () => {
    const api = new FakeItsmSyncApi();
    api.incidents = [
      anIncident({
        entity_ref: 'system:default/checkout',
        title: 'System-wide outage',
      }),
    ];
    await renderCard(api, {
      ...payments,
      metadata: {
        name: 'payments',
        annotations: { 'itsm-sync.io/incidents': 'system:default/checkout' },
      },
    });
    expect(await screen.findByText('System-wide outage')).toBeInTheDocument();
  });

  it.each([
    ['in_sync', 'In sync'],
    ['pending', 'Pending'],
    ['failed', 'Failed'],
    ['conflict', 'Conflict'],
  ] as const)('shows the %s sync state as "%s"', async (state, label) => {
    const api = new FakeItsmSyncApi();
    api.incidents = [anIncident({ links: [aLink({ sync_state: state })] })];
    await renderCard(api);
    expect(
      await within(await screen.findByRole('grid')).findByText(label),
    ).toBeInTheDocument();
  });

  it('shows the last sync error of a failed link', async () => {
    const api = new FakeItsmSyncApi();
    api.incidents = [
      anIncident({
        links: [
          aLink({
            sync_state: 'failed',
            last_error: 'ServiceNow answered 401',
          }),
        ],
      }),
    ];
    await renderCard(api);
    expect(
      await screen.findByText('ServiceNow answered 401'),
    ).toBeInTheDocument();
  });

  it('says so when the entity has no incidents', async () => {
    await renderCard(new FakeItsmSyncApi());
    expect(await screen.findByText('No incidents')).toBeInTheDocument();
  });

  it('shows the backend’s message when incidents cannot be loaded', async () => {
    const api = new FakeItsmSyncApi();
    api.listIncidentsForEntity = async () => {
      throw new Error('itsm-sync backend unavailable');
    };
    await renderCard(api);
    expect(
      await screen.findByText('Error: itsm-sync backend unavailable'),
    ).toBeInTheDocument();
  });

  describe('"Sync with ITSM"', () => {
    it('is enabled, disabled while in flight, then shows the ticket id and the cooldown', async () => {
      const api = new FakeItsmSyncApi();
      api.incidents = [anIncident()];
      api.tickets.set('int-snow', {
        external_id: 'a1b2c3',
        external_key: 'INC0010001',
      });
      api.holdSyncs = true;
      await renderCard(api);

      const button = await screen.findByRole('button', {
        name: /Sync with ITSM/,
      });
      expect(button).toBeEnabled();
      await userEvent.click(button);

      const inFlight = await screen.findByRole('button', { name: /Syncing…/ });
      expect(inFlight).toBeDisabled();
      expect(api.calls).toContain('syncIncident int-snow inc-1');

      api.releaseSyncs();
      expect(await screen.findByText('Ticket INC0010001')).toBeInTheDocument();
      const cooling = screen.getByRole('button', { name: /Cooldown 10:00/ });
      expect(cooling).toBeDisabled();
      expect(screen.getByText('Next sync in 10:00')).toBeInTheDocument();
    });

    it('shows the external id when the ticket has no human key', async () => {
      const api = new FakeItsmSyncApi();
      api.incidents = [
        anIncident({
          links: [
            aLink({ integration_id: 'int-pd', integration_name: 'pagerduty' }),
          ],
        }),
      ];
      api.tickets.set('int-pd', { external_id: 'PXYZ123', external_key: null });
      await renderCard(api);
      await userEvent.click(
        await screen.findByRole('button', { name: /Sync with ITSM/ }),
      );
      expect(await screen.findByText('Ticket PXYZ123')).toBeInTheDocument();
    });

    it('enters the cooldown with the time left when the backend answers 429', async () => {
      const api = new FakeItsmSyncApi();
      api.incidents = [anIncident()];
      api.markSynced('int-snow', 'inc-1', 240); // 6 of the 10 minutes are left
      await renderCard(api);
      await userEvent.click(
        await screen.findByRole('button', { name: /Sync with ITSM/ }),
      );

      const cooling = await screen.findByRole('button', {
        name: /Cooldown 6:00/,
      });
      expect(cooling).toBeDisabled();
      expect(screen.queryByText(/^Ticket /)).not.toBeInTheDocument();
    });

    it('shows a pending ticket, never "Ticket null", while the vendor has not answered', async () => {
      const api = new FakeItsmSyncApi();
      api.incidents = [
        anIncident({
          links: [
            aLink({
              external_id: null,
              external_key: null,
              external_url: null,
              sync_state: 'pending',
            }),
          ],
        }),
      ];
      api.pendingSyncs = true;
      await renderCard(api);
      await userEvent.click(
        await screen.findByRole('button', { name: /Sync with ITSM/ }),
      );
      expect(await screen.findByText('Ticket pending')).toBeInTheDocument();
      expect(screen.queryByText(/Ticket null/)).not.toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: /Cooldown 10:00/ }),
      ).toBeDisabled();
    });

    it('shows the cooldown the backend keeps after a page reload', async () => {
      const api = new FakeItsmSyncApi();
      const until = new Date(Date.now() + 4 * 60_000 + 500).toISOString();
      api.incidents = [
        anIncident({ links: [aLink({ manual_sync_cooldown_until: until })] }),
      ];
      await renderCard(api);
      expect(
        await screen.findByRole('button', { name: /Cooldown 4:0\d/ }),
      ).toBeDisabled();
      expect(api.calls.filter(c => c.startsWith('syncIncident'))).toEqual([]);
    });

    it('is enabled when the stored cooldown is over', async () => {
      const api = new FakeItsmSyncApi();
      api.incidents = [
        anIncident({
          links: [
            aLink({
              manual_sync_cooldown_until: new Date(
                Date.now() - 1000,
              ).toISOString(),
            }),
          ],
        }),
      ];
      await renderCard(api);
      expect(
        await screen.findByRole('button', { name: /Sync with ITSM/ }),
      ).toBeEnabled();
    });

    it('stays enabled and shows the backend’s message when the sync fails', async () => {
      const api = new FakeItsmSyncApi();
      api.incidents = [anIncident()];
      api.failNextSync = 'ServiceNow is unreachable';
      await renderCard(api);
      await userEvent.click(
        await screen.findByRole('button', { name: /Sync with ITSM/ }),
      );

      expect(await screen.findByRole('alert')).toHaveTextContent(
        'ServiceNow is unreachable',
      );
      await waitFor(() =>
        expect(
          screen.getByRole('button', { name: /Sync with ITSM/ }),
        ).toBeEnabled(),
      );
    });
  });
});
