import { Badge, Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import type { ConnectorInfoResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';

/** A marketplace tile for one installed connector module. */
export function ConnectorCard(props: { connector: ConnectorInfoResponse }) {
  const { connector } = props;
  const capabilities = Object.entries(connector.capabilities)
    .filter(([, supported]) => supported)
    .map(([name]) => name);
  return (
    <Card aria-label={`Connector ${connector.display_name}`}>
      <CardHeader>
        <Text as="h3" variant="title-x-small">
          {connector.display_name}
        </Text>
        <Text variant="body-x-small" color="secondary">
          {connector.type}
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="2">
          <Flex gap="1" align="center" style={{ flexWrap: 'wrap' }}>
            {capabilities.map(name => (
              <Badge key={name} size="small">
                {name}
              </Badge>
            ))}
          </Flex>
          <Text variant="body-small">{`Webhook auth: ${connector.webhook_auth}`}</Text>
          <div>
            <Text as="div" variant="body-small" weight="bold">
              Default field ownership
            </Text>
            <ul
              aria-label={`${connector.display_name} default field ownership`}
              style={{ margin: 0 }}
            >
              {connector.default_field_ownership.map(rule => (
                <li key={rule.field}>
                  <Text variant="body-small">{`${rule.field}: ${rule.owner} (priority ${rule.priority})`}</Text>
                </li>
              ))}
            </ul>
          </div>
          <Text variant="body-x-small" color="secondary">
            {`Credentials: ${connector.credential_keys.join(', ') || 'none'}`}
          </Text>
        </Flex>
      </CardBody>
    </Card>
  );
}
