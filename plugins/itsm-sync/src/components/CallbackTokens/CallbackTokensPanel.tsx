import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Text } from '@backstage/ui';
import type {
  CreateCallbackTokenRequest,
  IntegrationResponse,
  IssuedCallbackTokenResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { CallbackTokenTable } from './CallbackTokenTable';
import { GenerateTokenForm } from './GenerateTokenForm';
import { IssuedTokenNotice } from './IssuedTokenNotice';
import { InlineError } from '../shared/InlineError';

import { errorMessage } from '@itsm-sync-hub/plugin-itsm-sync-common';
/**
 * The dialog's content: generate a token, see it once, manage the list. The issued token
 * lives only in this component's state, which goes when the dialog closes and unmounts it.
 */
export function CallbackTokensPanel(props: {
  integration: IntegrationResponse;
}) {
  const { integration } = props;
  const api = useApi(itsmSyncApiRef);
  const [issued, setIssued] = useState<IssuedCallbackTokenResponse>();
  const tokens = useAsyncRetry(
    () => api.listCallbackTokens(integration.id),
    [api, integration.id],
  );

  const generate = async (request: CreateCallbackTokenRequest) => {
    setIssued(await api.createCallbackToken(integration.id, request));
    tokens.retry();
  };
  const revoke = async (tokenId: string) => {
    await api.revokeCallbackToken(integration.id, tokenId);
    tokens.retry();
  };

  return (
    <Flex direction="column" gap="4">
      <Text as="p" variant="body-small" color="secondary">
        {`${integration.name} sends ticket updates back to the hub with a callback token. ` +
          'A token grants inbound write access to this integration only.'}
      </Text>
      {issued && <IssuedTokenNotice key={issued.id} issued={issued} />}
      <GenerateTokenForm integrationId={integration.id} onGenerate={generate} />
      <section aria-label="Tokens of this integration">
        <Flex direction="column" gap="2">
          <Text as="h3" variant="title-x-small">
            Tokens
          </Text>
          {tokens.loading && !tokens.value && <Progress />}
          <InlineError
            message={
              tokens.error &&
              `Could not list the tokens: ${errorMessage(tokens.error)}`
            }
          />
          {tokens.value && (
            <CallbackTokenTable tokens={tokens.value} onRevoke={revoke} />
          )}
        </Flex>
      </section>
    </Flex>
  );
}
