import { EveryIntegration } from '../shared/EveryIntegration';
import { IntegrationRoutingEditor } from './IntegrationRoutingEditor';
import { RoutingTryForm } from './RoutingTryForm';

/** Routing (docs/DESIGN.md, "Routing"): try an incident, and edit each integration's rules. */
export function RoutingPage() {
  return (
    <EveryIntegration before={<RoutingTryForm />}>
      {integration => (
        <IntegrationRoutingEditor
          key={integration.id}
          integration={integration}
        />
      )}
    </EveryIntegration>
  );
}
