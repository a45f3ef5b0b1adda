import { EveryIntegration } from '../shared/EveryIntegration';
import { IntegrationDlq } from './IntegrationDlq';

/** The dead-letter queue of every configured integration. */
export function DlqPage() {
  return (
    <EveryIntegration>
      {integration => (
        <IntegrationDlq key={integration.id} integration={integration} />
      )}
    </EveryIntegration>
  );
}
