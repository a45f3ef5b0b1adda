import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import { aDlqEntry, anIntegration } from '../../testUtils/fixtures';
import { DlqPage } from './DlqPage';

function withTwoFailures() {
  const api = new FakeItsmSyncApi();
  api.integrations = [anIntegration()];
  api.dlq = [
    aDlqEntry({ id: 'dlq-1', incident_id: 'inc-1' }),
    aDlqEntry({
      id: 'dlq-2',
      incident_id: 'inc-2',
      operation: 'create',
      last_error: 'Field priority is required',
    }),
  ];
  return api;
}

describe('DlqPage', () => {
  it('lists failed entries with their attempts and the vendor’s error', async () => {
    await renderInTestApp(<DlqPage />, {
      apis: [[itsmSyncApiRef, withTwoFailures()]],
    });
    const first = await screen.findByRole('row', { name: /inc-1/ });
    expect(within(first).getByText('5')).toBeInTheDocument();
    expect(
      within(first).getByText(
        '400: ServiceNow answered 400: Invalid state transition',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('row', { name: /inc-2/ })).toHaveTextContent(
      'Field priority is required',
    );
  });

  it('retries an entry and takes it off the list', async () => {
    const api = withTwoFailures();
    await renderInTestApp(<DlqPage />, { apis: [[itsmSyncApiRef, api]] });
    const row = await screen.findByRole('row', { name: /inc-1/ });
    await userEvent.click(within(row).getByRole('button', { name: 'Retry' }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      'Entry dlq-1 queued for another attempt.',
    );
    expect(api.calls).toContain('retryDlqEntry int-snow dlq-1');
    await waitFor(() =>
      expect(
        screen.queryByRole('row', { name: /inc-1/ }),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('row', { name: /inc-2/ })).toBeInTheDocument();
  });

  it('discards an entry and takes it off the list', async () => {
    const api = withTwoFailures();
    await renderInTestApp(<DlqPage />, { apis: [[itsmSyncApiRef, api]] });
    const row = await screen.findByRole('row', { name: /inc-2/ });
    await userEvent.click(within(row).getByRole('button', { name: 'Discard' }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      'Entry dlq-2 discarded.',
    );
    expect(api.calls).toContain('discardDlqEntry int-snow dlq-2');
    await waitFor(() =>
      expect(
        screen.queryByRole('row', { name: /inc-2/ }),
      ).not.toBeInTheDocument(),
    );
  });

  it('shows the backend’s refusal next to the entry', async () => {
    const api = withTwoFailures();
    api.retryDlqEntry = async () => {
      throw new Error("No failed DLQ entry 'dlq-1' on integration 'prod-snow'");
    };
    await renderInTestApp(<DlqPage />, { apis: [[itsmSyncApiRef, api]] });
    const row = await screen.findByRole('row', { name: /inc-1/ });
    await userEvent.click(within(row).getByRole('button', { name: 'Retry' }));
    expect(await within(row).findByRole('alert')).toHaveTextContent(
      "No failed DLQ entry 'dlq-1'",
    );
    expect(within(row).getByRole('button', { name: 'Retry' })).toBeEnabled();
  });

  it('says the queue is empty when nothing failed', async () => {
    const api = new FakeItsmSyncApi();
    api.integrations = [anIntegration()];
    await renderInTestApp(<DlqPage />, { apis: [[itsmSyncApiRef, api]] });
    expect(
      await screen.findByText('The dead-letter queue is empty.'),
    ).toBeInTheDocument();
  });
});
