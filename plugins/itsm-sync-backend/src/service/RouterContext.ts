import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { ItsmSyncPermissionRulesets } from '../permissions/registerPermissions';
import type { ConnectorRegistry } from '../sync/ConnectorRegistry';
import type { IncidentService } from '../sync/IncidentService';
import type { IntegrationService } from '../sync/IntegrationService';
import type { RoutingService } from '../sync/RoutingService';
import type { SyncEngine } from '../sync/SyncEngine';

/** Everything the routes need, already constructed. */
export interface RouterContext {
  connectors: ConnectorRegistry;
  integrations: IntegrationService;
  incidents: IncidentService;
  routing: RoutingService;
  engine: SyncEngine;
  logger: LoggerService;
  auditor: AuditorService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** The plugin's permission rules, to apply a policy's conditional decisions. */
  permissionRules: ItsmSyncPermissionRulesets;
  /** The plugin's external base URL, for webhook URLs in responses. */
  baseUrl: string;
  /** Largest webhook body accepted, bytes. */
  maxWebhookBytes: number;
}
