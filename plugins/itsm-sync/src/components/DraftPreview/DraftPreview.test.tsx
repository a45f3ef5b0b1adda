import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import {
  aConnector,
  anIntegration,
  aSyncStatus,
} from '../../testUtils/fixtures';
import { ConnectorsPage } from '../ConnectorsPage/ConnectorsPage';

jest.setTimeout(20_000);

function hub() {
  const api = new FakeItsmSyncApi();
  api.connectors = [aConnector()];
  api.integrations = [anIntegration()];
  api.statuses.set('int-snow', aSyncStatus());
  return api;
}

async function openPreview(api: FakeItsmSyncApi) {
  await renderInTestApp(<ConnectorsPage />, {
    apis: [[itsmSyncApiRef, api]],
  });
  await userEvent.click(
    await screen.findByRole('button', { name: 'Preview a change' }),
  );
}

describe('Preview a change', () => {
  it('shows a draft’s test run side by side with the values now, and sends the draft as typed', async () => {
    const api = hub();
    api.previewAnswer = {
      integration_id: 'int-snow',
      draft: {
        sync_direction: 'bidirectional',
        field_ownership: [{ field: 'title', owner: 'external', priority: 20 }],
      },
      items: [
        {
          incident_id: 'inc-1',
          external_id: 'INC0001',
          fields: [
            {
              field: 'title',
              owner: { now: 'platform', draft: 'external' },
              action: { now: 'push_platform', draft: 'pull_external' },
              outbound: {
                now: 'Vendor title',
                draft: 'Vendor title',
                skipped: 'owner',
                why: 'the vendor owns this field',
              },
              inbound: {
                now: 'Platform title',
                draft: 'Vendor title',
                why: 'the ticket value is applied to the platform',
              },
            },
          ],
        },
      ],
    };
    await openPreview(api);
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Draft ownership' }),
      'title=external:20',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Incidents' }),
      'inc-1',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));

    const row = await screen.findByRole('row', { name: 'title' });
    const cells = [
      ...within(row).getAllByRole('rowheader'),
      ...within(row).getAllByRole('gridcell'),
    ].map(c => c.textContent);
    expect(cells).toEqual([
      'title',
      'platform → external',
      'Platform title',
      'Vendor title',
      'Vendor title',
      'Vendor title (kept: owner)',
      'the vendor owns this field; the ticket value is applied to the platform',
    ]);
    expect(api.calls).toContain(
      `previewIntegration int-snow ${JSON.stringify({
        field_ownership: [{ field: 'title', owner: 'external', priority: 20 }],
        incidents: ['inc-1'],
      })}`,
    );
  });

  it('names a draft rule it cannot read and asks nothing of the backend', async () => {
    const api = hub();
    await openPreview(api);
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Draft ownership' }),
      'title=nobody',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Incidents' }),
      'inc-1',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "'title=nobody' is not field=platform|external[:priority]",
    );
    expect(api.calls.some(c => c.startsWith('previewIntegration'))).toBe(false);
  });
});
