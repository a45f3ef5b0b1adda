import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { FakeItsmSyncApi } from '../../testUtils/FakeItsmSyncApi';
import { anIntegration } from '../../testUtils/fixtures';
import { RoutingPage } from './RoutingPage';

function withRules() {
  const api = new FakeItsmSyncApi();
  api.integrations = [anIntegration()];
  api.routingRules.set('int-snow', {
    integration_id: 'int-snow',
    rules: [
      {
        name: 'payments',
        when: { system: ['system:default/payments'] },
        action: 'route',
      },
    ],
    default: 'skip',
    updated_at: '2025-01-01T00:00:00.000Z',
  });
  return api;
}

describe('RoutingPage', () => {
  it("shows each integration's rules as the JSON the API takes", async () => {
    await renderInTestApp(<RoutingPage />, {
      apis: [[itsmSyncApiRef, withRules()]],
    });
    const editor = (await screen.findByLabelText(
      /Routing rules of prod-snow/,
    )) as HTMLTextAreaElement;
    await waitFor(() =>
      expect(JSON.parse(editor.value)).toEqual({
        rules: [
          {
            name: 'payments',
            when: { system: ['system:default/payments'] },
            action: 'route',
          },
        ],
        default: 'skip',
      }),
    );
  });

  it('saves edited rules and says what was saved', async () => {
    const api = withRules();
    await renderInTestApp(<RoutingPage />, { apis: [[itsmSyncApiRef, api]] });
    const editor = (await screen.findByLabelText(
      /Routing rules of prod-snow/,
    )) as HTMLTextAreaElement;
    await waitFor(() => expect(editor.value).toContain('payments'));
    await userEvent.clear(editor);
    await userEvent.click(editor);
    await userEvent.paste('{"rules": [], "default": "route"}');
    await userEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Saved 0 rule(s); when none matches: route.',
    );
    expect(api.calls).toContain(
      'setRouting int-snow {"rules":[],"default":"route"}',
    );
  });

  it("refuses JSON it cannot read without calling the hub, and shows the hub's message for rules it refuses", async () => {
    const api = withRules();
    await renderInTestApp(<RoutingPage />, { apis: [[itsmSyncApiRef, api]] });
    const editor = (await screen.findByLabelText(
      /Routing rules of prod-snow/,
    )) as HTMLTextAreaElement;
    await waitFor(() => expect(editor.value).toContain('payments'));
    await userEvent.clear(editor);
    await userEvent.type(editor, 'not json');
    await userEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /Not valid JSON/,
    );
    expect(api.calls.filter(c => c.startsWith('setRouting'))).toEqual([]);

    api.rejectNextRouting =
      'Invalid routing: rules.0.when: Unrecognized key: "colour"';
    await userEvent.clear(editor);
    await userEvent.click(editor);
    await userEvent.paste(
      '{"rules": [{"name": "x", "when": {"colour": ["red"]}}]}',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('rules.0.when');
  });

  it('tries an incident and shows why each integration matched', async () => {
    const api = withRules();
    api.routing.set('try', [
      {
        integration_id: 'int-snow',
        integration_name: 'prod-snow',
        integration_type: 'servicenow',
        reason: { kind: 'rule', rule: 'payments', position: 1 },
        explanation: "rule 1 'payments' matched",
        target: {},
        target_sources: [],
      },
    ]);
    await renderInTestApp(<RoutingPage />, { apis: [[itsmSyncApiRef, api]] });
    await userEvent.type(
      await screen.findByLabelText('Entity'),
      'component:default/checkout',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Try' }));
    expect(
      await screen.findByText("prod-snow: rule 1 'payments' matched"),
    ).toBeInTheDocument();
    expect(api.calls).toContain(
      'previewRouting {"severity":"SEV-2","entity_ref":"component:default/checkout","incident_type":null}',
    );
  });
});
