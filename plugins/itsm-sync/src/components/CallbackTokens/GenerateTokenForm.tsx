import { useState, type FormEvent } from 'react';
import { Alert, Button, Flex, TextAreaField, TextField } from '@backstage/ui';
import type { CreateCallbackTokenRequest } from '@itsm-sync-hub/plugin-itsm-sync-common';

import { errorMessage } from '@itsm-sync-hub/plugin-itsm-sync-common';
/**
 * The callback-token form (docs/connectors/webhook.md#callback-tokens): Config ID (the integration, read-only), App Name (required) and
 * Description, then "Generate Token". The button is disabled while the request is in flight;
 * the backend's message is shown when it refuses (e.g. too many live tokens).
 */
export function GenerateTokenForm(props: {
  integrationId: string;
  onGenerate: (request: CreateCallbackTokenRequest) => Promise<void>;
}) {
  const [appName, setAppName] = useState('');
  const [description, setDescription] = useState('');
  // The required-field message waits for the first attempt, not the first keystroke.
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!appName.trim() || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onGenerate({
        app_name: appName.trim(),
        description: description.trim(),
      });
      setAppName('');
      setDescription('');
      setAttempted(false);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      aria-label="Generate a callback token"
      noValidate
      onSubmit={e => void submit(e)}
    >
      <Flex direction="column" gap="3">
        <TextField
          label="Config ID"
          value={props.integrationId}
          isReadOnly
          description="The integration this token is scoped to."
        />
        <TextField
          label="App Name"
          isRequired
          value={appName}
          onChange={setAppName}
          maxLength={200}
          placeholder="e.g. Jira Production — inbound"
          validationBehavior="aria"
          validate={value =>
            attempted && !value.trim() ? 'App Name is required.' : null
          }
        />
        <TextAreaField
          label="Description"
          value={description}
          onChange={setDescription}
          maxLength={1000}
          placeholder="What this token is used for"
        />
        {error && (
          <Alert
            status="danger"
            icon
            role="alert"
            title="The token was not generated"
            description={error}
          />
        )}
        <Flex>
          <Button type="submit" variant="primary" isDisabled={busy}>
            Generate Token
          </Button>
        </Flex>
      </Flex>
    </form>
  );
}
