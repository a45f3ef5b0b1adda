import { screen, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import {
  aConnector,
  anIntegration,
  aSyncStatus,
} from '../../testUtils/fixtures';
import { ConnectorsPage } from '../ConnectorsPage/ConnectorsPage';

// A file of its own: usePermission caches answers per permission for the whole module.
describe('Callback tokens without itsm-sync.integration.manage', () => {
  it('shows the integration but no key to its callback tokens', async () => {
    const api = new FakeItsmSyncApi();
    api.connectors = [
      aConnector({
        type: 'itsm-webhook',
        display_name: 'ITSM webhook',
        capabilities: { callbackTokens: true },
      }),
    ];
    api.integrations = [
      anIntegration({
        id: 'int-hook',
        name: 'jira-itsm',
        integration_type: 'itsm-webhook',
      }),
    ];
    api.statuses.set(
      'int-hook',
      aSyncStatus({ integration_id: 'int-hook', health: 'healthy' }),
    );
    const permissionRequests: string[] = [];
    await renderInTestApp(<ConnectorsPage />, {
      apis: [
        [itsmSyncApiRef, api],
        mockApis.permission({
          authorize: request => {
            permissionRequests.push(request.permission.name);
            return AuthorizeResult.DENY;
          },
        }),
      ],
    });

    const row = await screen.findByRole('row', {
      name: /jira-itsm/,
    });
    expect(await within(row).findByText('Healthy')).toBeInTheDocument();
    expect(permissionRequests).toContain('itsm-sync.integration.manage');
    expect(
      within(row).queryByRole('button', { name: /Callback tokens/ }),
    ).not.toBeInTheDocument();
    expect(api.calls.filter(call => call.includes('CallbackToken'))).toEqual(
      [],
    );
  });
});

describe('Callback tokens with itsm-sync.integration.manage on some integrations', () => {
  it('offers the key only on the integrations the viewer may manage', async () => {
    const api = new FakeItsmSyncApi();
    api.connectors = [
      aConnector({
        type: 'itsm-webhook',
        display_name: 'ITSM webhook',
        capabilities: { callbackTokens: true },
      }),
    ];
    api.integrations = [
      anIntegration({
        id: 'int-payments',
        name: 'payments-itsm',
        integration_type: 'itsm-webhook',
      }),
      anIntegration({
        id: 'int-infra',
        name: 'infra-itsm',
        integration_type: 'itsm-webhook',
      }),
    ];
    for (const id of ['int-payments', 'int-infra'])
      api.statuses.set(
        id,
        aSyncStatus({ integration_id: id, health: 'healthy' }),
      );
    await renderInTestApp(<ConnectorsPage />, {
      apis: [
        [itsmSyncApiRef, api],
        mockApis.permission({
          authorize: request =>
            'resourceRef' in request && request.resourceRef === 'int-payments'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        }),
      ],
    });

    const payments = await screen.findByRole('row', {
      name: /payments-itsm/,
    });
    const infra = await screen.findByRole('row', {
      name: /infra-itsm/,
    });
    expect(
      await within(payments).findByRole('button', {
        name: 'Callback tokens of payments-itsm',
      }),
    ).toBeInTheDocument();
    expect(await within(infra).findByText('Healthy')).toBeInTheDocument();
    expect(
      within(infra).queryByRole('button', { name: /Callback tokens/ }),
    ).not.toBeInTheDocument();
  });
});
