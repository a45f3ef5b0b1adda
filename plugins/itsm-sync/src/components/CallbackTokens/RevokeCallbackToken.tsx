import { useState } from 'react';
import { Button, Flex, Text } from '@backstage/ui';
import type { CallbackTokenResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { usePendingAction } from '../shared/usePendingAction';
import { InlineError } from '../shared/InlineError';

/** Revoke for an active callback token, after a confirmation, since that cannot be undone. */
export function RevokeCallbackToken(props: {
  token: CallbackTokenResponse;
  onRevoke: (tokenId: string) => Promise<void>;
}) {
  const { token } = props;
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run: revoke } = usePendingAction(props.onRevoke);
  return (
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
  );
}
