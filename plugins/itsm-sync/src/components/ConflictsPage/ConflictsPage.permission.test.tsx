import { screen, within } from '@testing-library/react';
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

    expect(
      await screen.findByRole('group', { name: 'Conflict on severity' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        /needs the itsm-sync.conflict.resolve permission/,
      ),
    ).toBeInTheDocument();
    for (const label of ['Use platform', 'Use external', 'Ignore']) {
      expect(
        screen.queryByRole('button', { name: label }),
      ).not.toBeInTheDocument();
    }
    expect(permissionRequests).toContain('itsm-sync.conflict.resolve');
  });
});

describe('ConflictsPage with itsm-sync.conflict.resolve on some conflicts', () => {
  it('offers the resolve buttons only on the conflicts the caller may resolve', async () => {
    const api = new FakeItsmSyncApi();
    api.conflicts = [
      aConflict({
        id: 'conf-mine',
        field: 'status',
        incident: {
          id: 'inc-1',
          title: 'Mine',
          severity: 'SEV-2',
          status: 'open',
        },
      }),
      aConflict({
        id: 'conf-other',
        field: 'priority',
        incident: {
          id: 'inc-2',
          title: 'Other',
          severity: 'SEV-2',
          status: 'open',
        },
      }),
    ];
    const asked: Array<string | undefined> = [];
    await renderInTestApp(<ConflictsPage />, {
      apis: [
        [itsmSyncApiRef, api],
        mockApis.permission({
          authorize: request => {
            const resourceRef =
              'resourceRef' in request ? request.resourceRef : undefined;
            asked.push(resourceRef);
            return resourceRef === 'conf-mine'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY;
          },
        }),
      ],
    });

    const mine = within(
      await screen.findByRole('group', { name: 'status conflict on Mine' }),
    );
    const other = within(
      await screen.findByRole('group', { name: 'priority conflict on Other' }),
    );
    expect(
      await mine.findByRole('button', { name: 'Use platform' }),
    ).toBeInTheDocument();
    expect(
      await other.findByText(/needs the itsm-sync.conflict.resolve permission/),
    ).toBeInTheDocument();
    expect(
      other.queryByRole('button', { name: 'Use platform' }),
    ).not.toBeInTheDocument();
    expect(asked.sort()).toEqual(['conf-mine', 'conf-other']);
  });
});
