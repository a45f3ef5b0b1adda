import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { ConnectorSettingsJsonSchema } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import {
  aConnector,
  anIntegration,
  aSyncStatus,
} from '../../testUtils/fixtures';
import { ConnectorsPage } from '../ConnectorsPage/ConnectorsPage';

// Typing a whole form takes a while on a busy machine.
jest.setTimeout(60_000);

/** A part of the templated webhook's settings_schema, as GET /v1/connectors answers it. */
const webhookSchema: ConnectorSettingsJsonSchema = {
  type: 'object',
  properties: {
    provider: {
      type: 'string',
      title: 'ITSM provider',
      description: 'The ITSM, e.g. Jira',
    },
    create_method: {
      type: 'string',
      enum: ['POST', 'PUT', 'PATCH'],
      title: 'Create method',
      default: 'POST',
    },
    create_url: {
      type: 'string',
      title: 'Create URL',
      'x-placeholders': ['$case_name'],
    },
    auth_type: {
      type: 'string',
      enum: ['basic', 'bearer', 'api_key'],
      title: 'Auth type',
    },
    additional_headers: {
      title: 'Additional headers',
      writeOnly: true,
      anyOf: [
        { type: 'string' },
        {
          type: 'object',
          propertyNames: { type: 'string' },
          // As zod writes it for z.union([z.string(), z.number()]).
          additionalProperties: { type: ['string', 'number'] },
        },
      ],
    },
    create_payload: {
      title: 'Create payload',
      'x-placeholders': ['$case_name', '$severity', '$description'],
      anyOf: [
        { type: 'string' },
        {
          type: 'object',
          propertyNames: { type: 'string' },
          additionalProperties: {},
        },
      ],
    },
    ticket_id_field: { type: 'string', title: 'Ticket ID field' },
    status_mapping: {
      title: 'Status mapping',
      anyOf: [
        { type: 'string' },
        {
          type: 'object',
          propertyNames: { type: 'string' },
          // As zod writes it for z.union([z.string(), z.number()]).
          additionalProperties: { type: ['string', 'number'] },
        },
      ],
    },
  },
  required: [
    'provider',
    'create_url',
    'auth_type',
    'create_payload',
    'ticket_id_field',
  ],
  additionalProperties: false,
  'x-required-for-writes': [],
};

function hub() {
  const api = new FakeItsmSyncApi();
  api.connectors = [
    aConnector(),
    aConnector({
      type: 'itsm-webhook',
      display_name: 'ITSM webhook',
      capabilities: { outbound: true, inbound: true, callbackTokens: true },
      credential_keys: ['username+password', 'token'],
      settings_schema: webhookSchema,
    }),
  ];
  api.integrations = [anIntegration()];
  api.statuses.set('int-snow', aSyncStatus());
  return api;
}

async function renderPage(api: FakeItsmSyncApi) {
  await renderInTestApp(<ConnectorsPage />, { apis: [[itsmSyncApiRef, api]] });
}

describe('Configuring an integration from the connectors page', () => {
  it('adds a templated webhook integration from a form generated from its schema, status row included, and shows it Configured', async () => {
    const user = userEvent.setup();
    const api = hub();
    api.statuses.set(
      'int-2',
      aSyncStatus({ integration_id: 'int-2', name: 'Jira ITSM' }),
    );
    await renderPage(api);
    await user.click(
      await screen.findByRole('button', { name: 'Add integration' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Add integration',
    });
    await user.click(
      within(dialog).getByRole('radio', { name: 'ITSM webhook' }),
    );

    const form = within(dialog).getByRole('form', {
      name: 'Configure ITSM webhook',
    });
    const text = (name: RegExp) => within(form).getByRole('textbox', { name });
    await user.type(text(/^Configuration name/), 'Jira ITSM');
    await user.type(text(/^Organization/), 'acme-corp');
    await user.type(text(/^Base URL/), 'https://acme.atlassian.net');
    await user.click(within(form).getByRole('radio', { name: 'token' }));
    await user.type(
      within(form).getByLabelText(/^Credential: token/),
      'tok-123',
    );
    await user.type(text(/^ITSM provider/), 'Jira');
    await user.type(text(/^Create URL/), '/rest/api/3/issue');
    await user.click(within(form).getByRole('radio', { name: 'bearer' }));
    // Braces are typed literally with {{.
    await user.type(text(/^Create payload/), '{{"summary": "$case_name"}');
    expect(
      within(form).getByLabelText('Placeholders for Create payload'),
    ).toHaveTextContent('$severity');
    await user.type(text(/^Ticket ID field/), 'key');
    await user.click(
      within(form).getByRole('button', { name: '+ Add status' }),
    );
    await user.type(text(/^ITSM status 1/), 'Done');
    await user.type(text(/^Case status 1/), 'closed');
    await user.click(
      within(form).getByRole('button', { name: 'Save and test' }),
    );

    expect(await within(form).findByRole('status')).toHaveTextContent(
      /Configured.*Reached the ITSM/,
    );
    expect(api.savedBodies).toEqual([
      {
        name: 'Jira ITSM',
        integration_type: 'itsm-webhook',
        organization_id: 'acme-corp',
        base_url: 'https://acme.atlassian.net',
        sync_direction: 'bidirectional',
        credentials: { token: 'tok-123' },
        settings: {
          provider: 'Jira',
          create_url: '/rest/api/3/issue',
          auth_type: 'bearer',
          create_payload: { summary: '$case_name' },
          ticket_id_field: 'key',
          status_mapping: { Done: 'closed' },
        },
      },
    ]);
    // Closed, the page has reloaded: the new integration's row shows it Configured.
    await user.keyboard('{Escape}');
    const row = await screen.findByRole('row', {
      name: /Jira ITSM/,
    });
    await waitFor(() =>
      expect(within(row).getByText('Configured')).toBeInTheDocument(),
    );
  });

  it('shows the backend refusal and keeps what was typed', async () => {
    const user = userEvent.setup();
    const api = hub();
    api.createIntegration = async () => {
      throw new Error('settings.ticket_id_field is required');
    };
    await renderPage(api);
    await user.click(
      await screen.findByRole('button', { name: 'Add integration' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Add integration',
    });
    await user.click(
      within(dialog).getByRole('radio', { name: 'ITSM webhook' }),
    );
    const form = within(dialog).getByRole('form', {
      name: 'Configure ITSM webhook',
    });
    await user.type(
      within(form).getByRole('textbox', { name: /^Configuration name/ }),
      'x',
    );
    await user.type(
      within(form).getByRole('textbox', { name: /^Create payload/ }),
      '{{oops',
    );
    await user.click(
      within(form).getByRole('button', { name: 'Save and test' }),
    );
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      /Create payload is not valid JSON/,
    );
    expect(
      within(form).getByRole('textbox', { name: /^Configuration name/ }),
    ).toHaveValue('x');
  });

  it('changes only what was edited, never reads back credentials, and says when the test fails', async () => {
    const user = userEvent.setup();
    const api = hub();
    api.integrations = [
      anIntegration({
        id: 'int-hook',
        name: 'jira-itsm',
        integration_type: 'itsm-webhook',
        credential_keys: ['token'],
        settings: {
          provider: 'Jira',
          create_url: '/issue',
          auth_type: 'bearer',
          create_payload: { a: '$case_name' },
          ticket_id_field: 'key',
          status_mapping: { Open: 'open' },
          additional_headers: ['X-Tenant'],
        },
      }),
    ];
    api.statuses.set(
      'int-hook',
      aSyncStatus({ integration_id: 'int-hook', name: 'jira-itsm' }),
    );
    api.testAnswer = { ok: false, message: '401 from the ITSM' };
    await renderPage(api);
    await user.click(
      await screen.findByRole('button', { name: 'Configure jira-itsm' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Configure jira-itsm',
    });
    const form = within(dialog).getByRole('form');
    expect(within(form).getByLabelText(/^Credential: token/)).toHaveValue('');
    expect(
      within(form).getByRole('textbox', { name: /^Additional headers/ }),
    ).toHaveValue('');
    const provider = within(form).getByRole('textbox', {
      name: /^ITSM provider/,
    });
    await user.clear(provider);
    await user.type(provider, 'Jira Cloud');
    await user.click(
      within(form).getByRole('button', { name: 'Save and test' }),
    );
    expect(await within(form).findByRole('status')).toHaveTextContent(
      /connection test failed.*401 from the ITSM/,
    );
    expect(api.savedBodies).toEqual([{ settings: { provider: 'Jira Cloud' } }]);
  });

  it('shows an integration declared in configuration as managed by it, with no Configure', async () => {
    const api = hub();
    api.integrations = [anIntegration({ managed_by: 'config' })];
    await renderPage(api);
    const row = await screen.findByRole('row', {
      name: /prod\-snow/,
    });
    expect(
      within(row).getByText('Managed by configuration'),
    ).toBeInTheDocument();
    expect(
      within(row).queryByRole('button', { name: /Configure/ }),
    ).not.toBeInTheDocument();
  });
});
