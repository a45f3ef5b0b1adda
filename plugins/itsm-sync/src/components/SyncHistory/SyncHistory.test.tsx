import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import { aLink, anIncident } from '../../testUtils/fixtures';
import { EntityIncidentsCard } from '../EntityIncidentsCard/EntityIncidentsCard';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'itsm-sync.io/incidents': 'enabled' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

describe('Sync history', () => {
  it('opens from the entity card and shows each field’s decision and why, the vendor call and the next retry', async () => {
    const api = new FakeItsmSyncApi();
    const incident = anIncident({ links: [aLink()] });
    api.incidents = [incident];
    api.traces.set(incident.id, [
      {
        id: '1',
        at: '2026-12-05T01:00:00.000Z',
        incident_id: incident.id,
        integration_id: 'int-snow',
        direction: 'inbound',
        kind: 'event',
        source: 'integration:int-snow',
        event_id: 'e-1',
        event_type: 'updated',
        fields: [
          { field: 'status', outcome: 'applied', why: 'applied' },
          {
            field: 'title',
            outcome: 'skipped',
            reason: 'owner',
            why: 'the platform owns this field',
          },
        ],
      },
      {
        id: '2',
        at: '2026-12-05T01:00:05.000Z',
        incident_id: incident.id,
        integration_id: 'int-snow',
        direction: 'outbound',
        kind: 'retry',
        source: 'platform',
        fields: [],
        call: {
          operation: 'sync',
          method: 'PATCH',
          path: '/api/now/table/incident/1',
          status: 503,
          latency_ms: 41,
        },
        attempts: 1,
        next_attempt_at: '2026-12-05T01:00:35.000Z',
        error: 'ServiceNow PATCH /api/now/table/incident/1 answered 503',
      },
    ]);
    await renderInTestApp(
      <EntityProvider entity={payments}>
        <EntityIncidentsCard />
      </EntityProvider>,
      { apis: [[itsmSyncApiRef, api]] },
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Sync history' }),
    );
    const history = await screen.findByRole('region', { name: 'Sync history' });
    // Data rows have a row header (the time); the header row has column headers only.
    const [event, retry] = within(history)
      .getAllByRole('row')
      .filter(r => within(r).queryAllByRole('rowheader').length > 0);
    expect(event).toHaveTextContent('prod-snow');
    expect(event).toHaveTextContent('status applied');
    expect(event).toHaveTextContent(
      'title skipped (owner): the platform owns this field',
    );
    expect(retry).toHaveTextContent(
      'sync PATCH /api/now/table/incident/1 503 41 ms',
    );
    expect(retry).toHaveTextContent('next attempt');
    expect(retry).toHaveTextContent('answered 503');
    expect(api.calls).toContain(`getIncidentTrace ${incident.id}`);
  });

  it('says so when an incident has no history yet', async () => {
    const api = new FakeItsmSyncApi();
    api.incidents = [anIncident({ links: [aLink()] })];
    await renderInTestApp(
      <EntityProvider entity={payments}>
        <EntityIncidentsCard />
      </EntityProvider>,
      { apis: [[itsmSyncApiRef, api]] },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Sync history' }),
    );
    expect(await screen.findByText('No sync history')).toBeInTheDocument();
  });
});
