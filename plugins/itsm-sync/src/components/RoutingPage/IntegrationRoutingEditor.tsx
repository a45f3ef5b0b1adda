import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Flex, Text, TextAreaField } from '@backstage/ui';
import type {
  IntegrationResponse,
  IntegrationRoutingResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { InlineError } from '../shared/InlineError';

import { errorMessage } from '@itsm-sync-hub/plugin-itsm-sync-common';
/** The JSON people edit: the rules in order and the default, as PUT /v1/integrations/{id}/routing takes them. */
function editable(routing: IntegrationRoutingResponse): string {
  return JSON.stringify(
    { rules: routing.rules, default: routing.default },
    null,
    2,
  );
}

/** One integration's routing rules as JSON, saved as a whole; the hub's message names a bad field. */
export function IntegrationRoutingEditor(props: {
  integration: IntegrationResponse;
}) {
  const { integration } = props;
  const api = useApi(itsmSyncApiRef);
  const {
    value: stored,
    loading,
    error,
  } = useAsync(() => api.getRouting(integration.id), [api, integration.id]);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (stored) setText(editable(stored));
  }, [stored]);

  const save = async () => {
    setNotice(undefined);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      setProblem(`Not valid JSON: ${(e as Error).message}`);
      return;
    }
    setProblem(undefined);
    setSaving(true);
    try {
      const saved = await api.setRouting(integration.id, body as any);
      setText(editable(saved));
      setNotice(
        `Saved ${saved.rules.length} rule(s); when none matches: ${saved.default}.`,
      );
    } catch (e) {
      setProblem(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-label={`Routing of ${integration.name}`}>
      <Text as="h3" variant="title-x-small">
        {`${integration.name} (${integration.integration_type})`}
      </Text>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {stored && (
        <Flex direction="column" gap="2">
          <TextAreaField
            label={`Routing rules of ${integration.name}`}
            description='{"rules": [{"name", "when": {"severity": ["SEV-1"], "system": ["system:default/payments"], ...}, "action": "route" | "skip"}], "default": "route" | "skip"}; the first matching rule decides.'
            value={text}
            onChange={setText}
          />
          <Flex align="center" gap="2">
            <Button
              size="small"
              variant="secondary"
              isDisabled={saving}
              onPress={() => void save()}
            >
              {saving ? 'Saving…' : 'Save rules'}
            </Button>
            {notice && (
              <Text role="status" variant="body-small" color="success">
                {notice}
              </Text>
            )}
          </Flex>
          <InlineError message={problem} />
        </Flex>
      )}
    </section>
  );
}
