import { screen } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import { aConflict } from '../../testUtils/fixtures';
import { ConflictsPage } from './ConflictsPage';

// A file of its own: usePermission caches answers per permission for the whole module.
describe('ConflictsPage without itsm-sync.conflict.resolve', () => {
  it('shows the diff but no resolve buttons', async () => {
    const api = new FakeItsmSyncApi();
    api.conflicts = [aConflict()];
    const permissionRequests: string[] = [];
    await renderInTestApp(<ConflictsPage />, {
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

    expect(await screen.findByRole('table', { name: 'Conflict on severity' })).toBeInTheDocument();
    expect(await screen.findByText(/needs the itsm-sync.conflict.resolve permission/)).toBeInTheDocument();
    for (const label of ['Use platform', 'Use external', 'Ignore']) {
      expect(screen.queryByRole('button', { name: label })).not.toBeInTheDocument();
    }
    expect(permissionRequests).toContain('itsm-sync.conflict.resolve');
  });
});
