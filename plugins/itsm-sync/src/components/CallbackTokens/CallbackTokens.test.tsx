import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import {
  aCallbackToken,
  aConnector,
  anIntegration,
  aSyncStatus,
} from '../../testUtils/fixtures';
import { ConnectorsPage } from '../ConnectorsPage/ConnectorsPage';

const HOOK = 'jira-itsm';

/** ServiceNow (signed webhooks) beside a generic ITSM webhook integration that takes callback tokens. */
function hubWithWebhookIntegration() {
  const api = new FakeItsmSyncApi();
  api.connectors = [
    aConnector(),
    aConnector({
      type: 'itsm-webhook',
      display_name: 'ITSM webhook',
      capabilities: { outbound: true, inbound: true, callbackTokens: true },
      webhook_auth: 'callback token',
    }),
  ];
  api.integrations = [
    anIntegration(),
    anIntegration({
      id: 'int-hook',
      name: HOOK,
      integration_type: 'itsm-webhook',
    }),
  ];
  api.statuses.set('int-snow', aSyncStatus());
  api.statuses.set(
    'int-hook',
    aSyncStatus({ integration_id: 'int-hook', name: HOOK }),
  );
  return api;
}

async function renderPage(api: FakeItsmSyncApi) {
  await renderInTestApp(<ConnectorsPage />, { apis: [[itsmSyncApiRef, api]] });
}

async function openTokens(user: ReturnType<typeof userEvent.setup>) {
  await user.click(
    await screen.findByRole('button', { name: `Callback tokens of ${HOOK}` }),
  );
  return screen.findByRole('dialog', { name: `Callback tokens: ${HOOK}` });
}

async function generate(
  user: ReturnType<typeof userEvent.setup>,
  dialog: HTMLElement,
  appName: string,
  description = '',
) {
  await user.type(
    within(dialog).getByRole('textbox', { name: /App Name/ }),
    appName,
  );
  if (description)
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Description' }),
      description,
    );
  await user.click(
    within(dialog).getByRole('button', { name: 'Generate Token' }),
  );
}

/** The cell of a token row under the column headed `column`. */
function cellIn(row: HTMLElement, column: string): HTMLElement {
  const grid = row.closest('[role="grid"]') as HTMLElement;
  const headers = within(grid).getAllByRole('columnheader');
  const index = headers.findIndex(h => h.textContent === column);
  expect(index).toBeGreaterThanOrEqual(0);
  return row.querySelectorAll<HTMLElement>(
    '[role="rowheader"], [role="gridcell"]',
  )[index];
}

describe('Callback tokens on the connectors page', () => {
  it('offers the key only on integrations whose connector accepts callback tokens', async () => {
    await renderPage(hubWithWebhookIntegration());
    const hookRow = await screen.findByRole('row', {
      name: new RegExp(HOOK),
    });
    expect(
      within(hookRow).getByRole('button', {
        name: `Callback tokens of ${HOOK}`,
      }),
    ).toBeInTheDocument();
    const snowRow = screen.getByRole('row', { name: /prod-snow/ });
    expect(
      within(snowRow).queryByRole('button', { name: /Callback tokens/ }),
    ).not.toBeInTheDocument();
  });

  it('pre-fills the Config ID read-only and refuses to generate without an App Name', async () => {
    const user = userEvent.setup();
    const api = hubWithWebhookIntegration();
    await renderPage(api);
    const dialog = await openTokens(user);

    const configId = within(dialog).getByRole('textbox', { name: /Config ID/ });
    expect(configId).toHaveValue('int-hook');
    expect(configId).toHaveAttribute('readonly');

    await user.type(
      within(dialog).getByRole('textbox', { name: 'Description' }),
      'no name given',
    );
    await user.click(
      within(dialog).getByRole('button', { name: 'Generate Token' }),
    );
    expect(
      await within(dialog).findByText('App Name is required.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('textbox', { name: /App Name/ }),
    ).toHaveAttribute('aria-invalid', 'true');
    expect(
      api.calls.filter(call => call.startsWith('createCallbackToken')),
    ).toEqual([]);
  });

  it('generates a token, disabled while in flight, then shows it once with the warning, the webhook URL and a copy button', async () => {
    const user = userEvent.setup();
    const api = hubWithWebhookIntegration();
    api.holdCallbackTokenRequests = true;
    await renderPage(api);
    const dialog = await openTokens(user);

    await generate(
      user,
      dialog,
      'Jira Production inbound',
      'status changes from Jira',
    );
    const button = within(dialog).getByRole('button', {
      name: 'Generate Token',
    });
    await waitFor(() => expect(button).toBeDisabled());
    expect(api.calls).toContain(
      'createCallbackToken int-hook Jira Production inbound',
    );
    api.releaseCallbackTokenRequests();

    const token = await within(dialog).findByRole('textbox', {
      name: 'Callback token',
    });
    expect(token).toHaveValue('itsmcb_fake-secret-1');
    expect(
      within(dialog).getByText('Copy this token now: it is shown only once.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('textbox', { name: /Webhook URL/ }),
    ).toHaveValue('http://localhost:7007/api/itsm-sync/v1/webhooks/int-hook');
    await waitFor(() => expect(button).toBeEnabled());
    // The form is ready for another token.
    expect(
      within(dialog).getByRole('textbox', { name: /App Name/ }),
    ).toHaveValue('');

    // user-event puts a clipboard on navigator; its readText does not work under this jsdom.
    const writeText = jest.spyOn(navigator.clipboard, 'writeText');
    await user.click(
      within(dialog).getByRole('button', { name: 'Copy token' }),
    );
    expect(
      await within(dialog).findByText('Copied to the clipboard.'),
    ).toBeInTheDocument();
    expect(writeText).toHaveBeenCalledWith('itsmcb_fake-secret-1');

    // Listed as active, without the token.
    const row = await within(dialog).findByRole('row', {
      name: /Jira Production inbound/,
    });
    expect(cellIn(row, 'State')).toHaveTextContent('Active');
    expect(cellIn(row, 'Created by')).toHaveTextContent('user:default/guest');
    expect(cellIn(row, 'Last used')).toHaveTextContent('never');
    expect(
      within(row).getByText('status changes from Jira'),
    ).toBeInTheDocument();
    expect(row).not.toHaveTextContent('itsmcb_');
  });

  it('no longer shows the token once the dialog is closed and opened again', async () => {
    const user = userEvent.setup();
    await renderPage(hubWithWebhookIntegration());
    let dialog = await openTokens(user);
    await generate(user, dialog, 'Jira Production inbound');
    expect(
      await within(dialog).findByDisplayValue('itsmcb_fake-secret-1'),
    ).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      screen.queryByDisplayValue('itsmcb_fake-secret-1'),
    ).not.toBeInTheDocument();

    dialog = await openTokens(user);
    const row = await within(dialog).findByRole('row', {
      name: /Jira Production inbound/,
    });
    expect(cellIn(row, 'State')).toHaveTextContent('Active');
    expect(
      within(dialog).queryByRole('textbox', { name: 'Callback token' }),
    ).not.toBeInTheDocument();
    expect(
      within(dialog).queryByText(/shown only once/),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByDisplayValue('itsmcb_fake-secret-1'),
    ).not.toBeInTheDocument();
  });

  it('revokes an active token only after confirmation, then lists it as revoked', async () => {
    const user = userEvent.setup();
    const api = hubWithWebhookIntegration();
    api.callbackTokens = [
      aCallbackToken({
        id: 'cbt-live',
        app_name: 'Jira Production inbound',
        last_used_at: '2025-01-03T00:00:00.000Z',
      }),
      aCallbackToken({
        id: 'cbt-gone',
        app_name: 'Old staging hook',
        state: 'revoked',
        revoked_at: '2025-01-02T05:00:00.000Z',
      }),
    ];
    await renderPage(api);
    const dialog = await openTokens(user);

    const old = await within(dialog).findByRole('row', {
      name: /Old staging hook/,
    });
    expect(cellIn(old, 'State')).toHaveTextContent('Revoked');
    expect(
      within(old).queryByRole('button', { name: 'Revoke' }),
    ).not.toBeInTheDocument();

    const live = within(dialog).getByRole('row', {
      name: /Jira Production inbound/,
    });
    expect(cellIn(live, 'Last used')).not.toHaveTextContent('never');
    expect(cellIn(live, 'Revoked')).toHaveTextContent('—');

    // Cancel leaves it alone.
    await user.click(within(live).getByRole('button', { name: 'Revoke' }));
    await user.click(within(live).getByRole('button', { name: 'Cancel' }));
    expect(
      api.calls.filter(call => call.startsWith('revokeCallbackToken')),
    ).toEqual([]);

    await user.click(within(live).getByRole('button', { name: 'Revoke' }));
    expect(
      within(live).getByText('Callbacks with this token will be refused.'),
    ).toBeInTheDocument();
    await user.click(
      within(live).getByRole('button', { name: 'Confirm revoke' }),
    );

    expect(api.calls).toContain('revokeCallbackToken int-hook cbt-live');
    const revoked = within(dialog).getByRole('row', {
      name: /Jira Production inbound/,
    });
    await waitFor(() =>
      expect(cellIn(revoked, 'State')).toHaveTextContent('Revoked'),
    );
    expect(cellIn(revoked, 'Revoked')).not.toHaveTextContent('—');
    expect(
      within(revoked).queryByRole('button', { name: /Revoke/ }),
    ).not.toBeInTheDocument();
  });

  it('shows the backend’s message when a token is refused, and the button can be pressed again', async () => {
    const user = userEvent.setup();
    const api = hubWithWebhookIntegration();
    api.failNextCallbackTokenRequest = {
      message: `Integration '${HOOK}' already has 10 live callback tokens; revoke one first`,
      status: 409,
    };
    await renderPage(api);
    const dialog = await openTokens(user);

    await generate(user, dialog, 'One too many');
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The token was not generated');
    expect(alert).toHaveTextContent(
      `Integration '${HOOK}' already has 10 live callback tokens; revoke one first`,
    );
    expect(
      within(dialog).queryByRole('textbox', { name: 'Callback token' }),
    ).not.toBeInTheDocument();
    expect(
      within(dialog).getByRole('textbox', { name: /App Name/ }),
    ).toHaveValue('One too many');

    await user.click(
      within(dialog).getByRole('button', { name: 'Generate Token' }),
    );
    expect(
      await within(dialog).findByDisplayValue('itsmcb_fake-secret-1'),
    ).toBeInTheDocument();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the backend’s message when a revoke fails', async () => {
    const user = userEvent.setup();
    const api = hubWithWebhookIntegration();
    api.callbackTokens = [
      aCallbackToken({ id: 'cbt-live', app_name: 'Jira Production inbound' }),
    ];
    await renderPage(api);
    const dialog = await openTokens(user);
    const live = await within(dialog).findByRole('row', {
      name: /Jira Production inbound/,
    });

    api.failNextCallbackTokenRequest = {
      message: "No live callback token 'cbt-live'",
      status: 404,
    };
    await user.click(within(live).getByRole('button', { name: 'Revoke' }));
    await user.click(
      within(live).getByRole('button', { name: 'Confirm revoke' }),
    );
    expect(await within(live).findByRole('alert')).toHaveTextContent(
      "No live callback token 'cbt-live'",
    );
    expect(
      within(live).getByRole('button', { name: 'Confirm revoke' }),
    ).toBeEnabled();
  });
});
