import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ItsmConnector } from './types';

/** What connector modules register into. @public */
export interface ItsmConnectorsExtensionPoint {
  addConnector(connector: ItsmConnector): void;
}

/**
 * The extension point through which `itsm-sync` backend modules add connectors.
 * @public
 */
export const itsmConnectorsExtensionPoint =
  createExtensionPoint<ItsmConnectorsExtensionPoint>({
    id: 'itsm-sync.connectors',
  });
