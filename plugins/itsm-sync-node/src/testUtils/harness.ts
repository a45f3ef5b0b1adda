import type {
  ConnectorIntegration,
  PlatformIncidentFields,
  WebhookRequest,
} from '../types';

/**
 * What a connector's author provides so the conformance kit can drive the connector
 * against a running simulator (or a sandbox of the real vendor).
 * @public
 */
export interface ConformanceHarness {
  /** An integration pointing at the simulator with valid credentials and secrets. */
  integration: ConnectorIntegration;
  /** The same integration with credentials the simulator refuses. */
  badCredentialsIntegration: ConnectorIntegration;
  /**
   * Changes a ticket as a person at the vendor would, and returns the signed webhook
   * the vendor sends for it (captured, not delivered).
   */
  vendorEdit(
    externalId: string,
    changes: Partial<PlatformIncidentFields>,
  ): Promise<WebhookRequest>;
  /** The note texts on a ticket, as the vendor stores them. */
  vendorNotes(externalId: string): Promise<string[]>;
  /** The next vendor call answers with this status (and headers). */
  failNext(status: number, headers?: Record<string, string>): Promise<void>;
  /** Page size the simulator uses for listings, so the kit can force several pages. */
  pageSize: number;
  /**
   * Vendors collapse some platform statuses (PagerDuty: resolved and closed both become
   * `resolved`). Returns the status a fetch yields after `status` was written.
   */
  statusAfterRoundTrip?(
    status: PlatformIncidentFields['status'],
  ): PlatformIncidentFields['status'];
  /** Likewise for severities (PagerDuty urgency: SEV-2 reads back as SEV-1). */
  severityAfterRoundTrip?(
    severity: PlatformIncidentFields['severity'],
  ): PlatformIncidentFields['severity'];
  close(): Promise<void>;
}
