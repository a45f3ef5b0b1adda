import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { incidentRouteRef } from '../../routes';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import { aConflict, aLink, anIncident } from '../../testUtils/fixtures';
import { IncidentPage } from './IncidentPage';

function twoTickets() {
  const api = new FakeItsmSyncApi();
  api.incidents = [
    anIncident({
      severity: 'SEV-1',
      links: [
        aLink({ ticket_values: { severity: 'SEV-1', status: 'open' } }),
        aLink({
          integration_id: 'int-pd',
          integration_name: 'pd-oncall',
          integration_type: 'pagerduty',
          external_id: 'PX1',
          external_key: null,
          external_url: 'http://pd.example/incidents/PX1',
          ticket_values: { severity: 'SEV-3' },
        }),
      ],
    }),
  ];
  api.timelines.set('inc-1', [
    {
      kind: 'note',
      text: 'Rolled back the deploy',
      author: 'user:default/alice',
      source: 'platform',
      created_at: '2025-01-02T03:05:00.000Z',
    },
  ]);
  api.conflicts = [aConflict()];
  api.traces.set('inc-1', [
    {
      id: 't-1',
      at: '2025-01-02T03:06:00.000Z',
      incident_id: 'inc-1',
      integration_id: 'int-pd',
      direction: 'inbound',
      kind: 'event',
      source: 'integration:int-pd',
      fields: [
        { field: 'severity', outcome: 'applied', why: 'PagerDuty owns it' },
      ],
    },
  ]);
  return api;
}

async function renderPage(api: FakeItsmSyncApi, id = 'inc-1') {
  await renderInTestApp(<IncidentPage />, {
    apis: [[itsmSyncApiRef, api]],
    mountPath: '/itsm-sync/incidents/:id',
    initialRouteEntries: [`/itsm-sync/incidents/${id}`],
    mountedRoutes: { '/itsm-sync/incidents/:id': incidentRouteRef },
  });
}

describe('IncidentPage', () => {
  it('puts the fields beside each ticket’s values, marking what differs', async () => {
    await renderPage(twoTickets());
    expect(
      await screen.findByRole('heading', { name: 'Checkout latency' }),
    ).toBeInTheDocument();
    const fields = screen.getByRole('region', { name: 'Fields and tickets' });
    expect(
      within(fields).getByRole('columnheader', {
        name: 'prod-snow INC0010001',
      }),
    ).toBeInTheDocument();
    const severity = within(fields).getByRole('row', { name: /severity/ });
    const cells = severity.querySelectorAll('[role="gridcell"]');
    expect(cells[0]).toHaveTextContent('SEV-1');
    expect(cells[1]).toHaveTextContent(/^SEV-1$/);
    expect(cells[2]).toHaveTextContent('SEV-3 ≠');
    const title = within(fields).getByRole('row', { name: /title/ });
    expect(title.querySelectorAll('[role="gridcell"]')[2]).toHaveTextContent(
      'not synced',
    );
  });

  it('lists the tickets with deep links, the notes timeline, the sync history and the pending conflicts', async () => {
    await renderPage(twoTickets());
    const tickets = await screen.findByRole('region', { name: 'Tickets' });
    expect(within(tickets).getByRole('link', { name: 'PX1' })).toHaveAttribute(
      'href',
      'http://pd.example/incidents/PX1',
    );
    expect(
      within(tickets).getByRole('link', { name: 'INC0010001' }),
    ).toHaveAttribute('href', 'http://snow.example/incident/a1b2c3');

    const notes = screen.getByRole('region', { name: 'Notes and events' });
    expect(
      await within(notes).findByText('Rolled back the deploy'),
    ).toBeInTheDocument();
    expect(within(notes).getByText(/alice/)).toBeInTheDocument();

    const [history] = screen.getAllByRole('region', { name: 'Sync history' });
    expect(
      await within(history).findByText('severity applied'),
    ).toBeInTheDocument();
    expect(within(history).getByText('pd-oncall')).toBeInTheDocument();

    const conflicts = screen.getByRole('region', { name: 'Conflicts' });
    expect(
      await within(conflicts).findByRole('group', {
        name: 'Conflict on severity',
      }),
    ).toBeInTheDocument();
  });

  it('shows the backend’s message for an unknown incident', async () => {
    await renderPage(twoTickets(), 'nope');
    expect(
      await screen.findByText(/Incident nope not found/),
    ).toBeInTheDocument();
  });
});
