import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import { aConflict } from '../../testUtils/fixtures';
import { ConflictsPage } from './ConflictsPage';

async function renderPage(
  api: FakeItsmSyncApi,
  authorize: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  await renderInTestApp(<ConflictsPage />, {
    apis: [[itsmSyncApiRef, api], mockApis.permission({ authorize })],
  });
}

function planted() {
  const api = new FakeItsmSyncApi();
  api.conflicts = [
    aConflict(),
    aConflict({
      id: 'conf-2',
      field: 'assigned_to',
      platform_value: 'alice',
      external_value: null,
      incident: {
        id: 'inc-2',
        title: 'Queue backlog',
        severity: 'SEV-3',
        status: 'open',
      },
    }),
    aConflict({
      id: 'conf-old',
      field: 'title',
      status: 'resolved',
      resolution: 'ignore',
    }),
  ];
  return api;
}

describe('ConflictsPage', () => {
  it('shows each pending conflict as a side-by-side diff of platform and external values', async () => {
    await renderPage(planted(), AuthorizeResult.ALLOW);

    const severity = await screen.findByRole('group', {
      name: 'Conflict on severity',
    });
    const [platform, external] = within(severity).getAllByRole('group');
    expect(platform).toHaveTextContent('Platform');
    expect(platform).toHaveTextContent('SEV-1');
    expect(platform).toHaveTextContent(
      `changed ${new Date('2025-01-02T03:04:05.000Z').toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}`,
    );
    expect(external).toHaveTextContent('External (prod-snow)');
    expect(external).toHaveTextContent('SEV-3');
    expect(external).toHaveTextContent(
      `changed ${new Date('2025-01-02T03:04:07.000Z').toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}`,
    );
    expect(
      screen.getByText(/on incident Checkout latency · integration prod-snow/),
    ).toBeInTheDocument();

    const assignee = screen.getByRole('group', {
      name: 'Conflict on assigned_to',
    });
    expect(within(assignee).getAllByRole('group')[1]).toHaveTextContent(
      '(empty)',
    );
    expect(
      screen.queryByRole('group', { name: 'Conflict on title' }),
    ).not.toBeInTheDocument();
  });

  it.each([
    ['Use platform', 'use-platform'],
    ['Use external', 'use-external'],
    ['Ignore', 'ignore'],
  ])(
    '"%s" resolves the conflict with %s and takes it off the list',
    async (label, resolution) => {
      const api = planted();
      await renderPage(api, AuthorizeResult.ALLOW);
      const severity = (
        await screen.findByRole('group', { name: 'Conflict on severity' })
      ).closest('article')!;

      await userEvent.click(
        within(severity as HTMLElement).getByRole('button', { name: label }),
      );

      expect(await screen.findByRole('status')).toHaveTextContent(
        `Resolved the severity conflict with ${resolution}.`,
      );
      expect(api.calls).toContain(`resolveConflict conf-1 ${resolution}`);
      await waitFor(() =>
        expect(
          screen.queryByRole('group', { name: 'Conflict on severity' }),
        ).not.toBeInTheDocument(),
      );
      expect(
        screen.getByRole('group', { name: 'Conflict on assigned_to' }),
      ).toBeInTheDocument();
    },
  );

  it('shows the backend’s message when a resolution is refused', async () => {
    const api = planted();
    api.resolveConflict = async () => {
      throw new Error('Conflict conf-1 is already resolved');
    };
    await renderPage(api, AuthorizeResult.ALLOW);
    const severity = (
      await screen.findByRole('group', { name: 'Conflict on severity' })
    ).closest('article')!;
    await userEvent.click(
      within(severity as HTMLElement).getByRole('button', {
        name: 'Use external',
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Conflict conf-1 is already resolved',
    );
  });

  it('says so when nothing is pending', async () => {
    await renderPage(new FakeItsmSyncApi(), AuthorizeResult.ALLOW);
    expect(await screen.findByText('No pending conflicts')).toBeInTheDocument();
  });
});
