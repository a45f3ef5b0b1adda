import { useState } from 'react';
import { Alert, Button, Flex, Text, TextField } from '@backstage/ui';
import type { IssuedCallbackTokenResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { InlineError } from '../shared/InlineError';

/**
 * The token just generated, with a copy button and the webhook URL the ITSM calls. The hub
 * keeps only the token's hash, so this is the one time anyone sees it; the warning says so.
 */
export function IssuedTokenNotice(props: {
  issued: IssuedCallbackTokenResponse;
}) {
  const { issued } = props;
  const [copy, setCopy] = useState<'copied' | 'failed'>();

  const copyToken = async () => {
    try {
      await navigator.clipboard.writeText(issued.token);
      setCopy('copied');
    } catch {
      // No clipboard (an insecure origin, a denied permission): the field is still selectable.
      setCopy('failed');
    }
  };

  return (
    <section aria-label="New callback token">
      <Flex direction="column" gap="3">
        <Alert
          status="warning"
          icon
          title="Copy this token now: it is shown only once."
          description={
            `Configure it in ${issued.app_name} as the inbound webhook secret. Treat it like a password: ` +
            'do not share it or store it in plain text. Once this dialog closes it cannot be shown again; ' +
            'if it is lost, revoke it and generate a new one.'
          }
        />
        <Flex align="end" gap="2">
          <div style={{ flex: 1 }}>
            <TextField label="Callback token" value={issued.token} isReadOnly />
          </div>
          <Button variant="secondary" onPress={() => void copyToken()}>
            Copy token
          </Button>
        </Flex>
        {copy === 'copied' && (
          <Text variant="body-small" color="success" role="status">
            Copied to the clipboard.
          </Text>
        )}
        <InlineError
          message={
            copy === 'failed' &&
            'Could not copy: select the token and copy it by hand.'
          }
        />
        <TextField
          label="Webhook URL"
          value={issued.webhook_url}
          isReadOnly
          description="Your ITSM sends ticket updates here with the header Authorization: Bearer <token> (or X-Callback-Token: <token>)."
        />
      </Flex>
    </section>
  );
}
