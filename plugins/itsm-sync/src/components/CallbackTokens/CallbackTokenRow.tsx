import { useState } from 'react';
import { Button, Flex, Text } from '@backstage/ui';
import type { CallbackTokenResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatTime } from '../shared/formatting';
import { usePendingAction } from '../shared/usePendingAction';
import { InlineError } from '../shared/InlineError';

const STATE_LABELS: Record<CallbackTokenResponse['state'], string> = {
  active: 'Active',
  revoked: 'Revoked',
};

/** One callback token; an active one can be revoked after a confirmation, since that cannot be undone. */
export function CallbackTokenRow(props: {
  token: CallbackTokenResponse;
  onRevoke: (tokenId: string) => Promise<void>;
}) {
  const { token } = props;
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run: revoke } = usePendingAction(props.onRevoke);

  return (
    <tr aria-label={`Callback token ${token.app_name}`}>
      <td>
        <Text variant="body-small" weight="bold">
          {token.app_name}
        </Text>
      </td>
      <td>
        <Text variant="body-small">{token.description}</Text>
      </td>
      <td aria-label="State">
        <Text
          variant="body-small"
          color={token.state === 'active' ? 'success' : 'secondary'}
        >
          {STATE_LABELS[token.state]}
        </Text>
      </td>
      <td aria-label="Created">
        <Text variant="body-small">{formatTime(token.created_at)}</Text>
      </td>
      <td aria-label="Created by">
        <Text variant="body-small">{token.created_by}</Text>
      </td>
      <td aria-label="Last used">
        <Text variant="body-small">{formatTime(token.last_used_at)}</Text>
      </td>
      <td aria-label="Revoked">
        <Text variant="body-small">
          {token.revoked_at ? formatTime(token.revoked_at) : '—'}
        </Text>
      </td>
      <td>
        <Flex gap="2" align="center">
          {token.state === 'active' && !confirming && (
            <Button
              size="small"
              variant="secondary"
              destructive
              onPress={() => setConfirming(true)}
            >
              Revoke
            </Button>
          )}
          {token.state === 'active' && confirming && (
            <>
              <Text variant="body-small">
                Callbacks with this token will be refused.
              </Text>
              <Button
                size="small"
                variant="primary"
                destructive
                isDisabled={busy}
                onPress={() => void revoke(token.id)}
              >
                Confirm revoke
              </Button>
              <Button
                size="small"
                variant="tertiary"
                isDisabled={busy}
                onPress={() => setConfirming(false)}
              >
                Cancel
              </Button>
            </>
          )}
          <InlineError message={error} />
        </Flex>
      </td>
    </tr>
  );
}
