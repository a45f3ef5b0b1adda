import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the ITSM Sync Hub backend plugin. */
  itsmSync?: {
    encryption?: {
      /**
       * 32-byte key (64 hex characters or base64) that seals integration credentials,
       * webhook secrets and secret settings with AES-256-GCM, bound to their integration.
       * Required unless the backend is positively a development one (NODE_ENV development
       * or test, a loopback backend.baseUrl and a SQLite or loopback database); there a
       * key is generated into .itsm-sync-dev/encryption-key.
       * @visibility secret
       */
      key?: string;
      /**
       * Older keys still accepted for decryption during a key rotation. After
       * `im secrets reseal` (POST /v1/secrets/reseal) reports no failures, nothing needs
       * them and they can be removed.
       * @visibility secret
       */
      previousKeys?: string[];
    };
    dispatcher?: {
      /** Deliveries in flight at once, across tickets. Default 16. */
      concurrency?: number;
      /**
       * Deliveries of one integration in flight at once on a replica, at most: a slow or
       * rate-limited vendor holds only this share of the `concurrency` slots, and the
       * claim skips its rows while it is at the cap. A whole number of at least 1.
       * Default half of `concurrency`, at least 1 (8 of 16).
       */
      perIntegrationConcurrency?: number;
      /**
       * Lease of a claimed outbox row; a crashed worker's rows are taken over after it.
       * A duration: `'60s'`, an ISO 8601 duration or `{ seconds: 60 }`. Default 60 seconds.
       */
      lease?: string | HumanDuration;
      /** Older alias of `lease`, in seconds; `lease` wins when both are set. */
      leaseSeconds?: number;
      /** Poll interval when nothing signals new rows, a duration. Default 1 second. */
      pollInterval?: string | HumanDuration;
      /** Older alias of `pollInterval`, in milliseconds; `pollInterval` wins when both are set. */
      pollIntervalMs?: number;
    };
    events?: {
      /**
       * How often the sync event feed tells listening modules (the notifications module)
       * about conflicts awaiting review, dead letters and integration health
       * (docs/sync-semantics.md#notifications). A duration. Default 10 seconds.
       */
      interval?: string | HumanDuration;
    };
    retry?: {
      /** Delays before attempts 2..n, seconds. Default [30, 120, 480, 1800] (docs/sync-semantics.md#retry-schedule); after the last, the DLQ. */
      delaysSeconds?: number[];
    };
    webhooks?: {
      /** Largest accepted webhook body in bytes; larger ones get 413. Default 1048576. */
      maxBodyBytes?: number;
      /**
       * Requests per source address and integration on the unauthenticated webhook routes
       * (delivery and signature test), counted in each replica's memory; a source also has
       * four times this across all integrations. Above it, 429 with Retry-After before the
       * body is read.
       */
      rateLimit?: {
        /** Sustained rate, requests per second. Default 50. */
        requestsPerSecond?: number;
        /** Requests allowed at once above the sustained rate. Default 500. */
        burst?: number;
      };
    };
    /**
     * The outbound policy every vendor call goes through (README "Security"): only public
     * addresses may be called, redirects are not followed, and each call has a deadline
     * and a response-size cap.
     */
    outbound?: {
      /**
       * Exceptions: host names (exact, or `*.example.com` for subdomains), IP addresses or
       * CIDR ranges that may be called although they are loopback, private, link-local,
       * CGNAT or unique-local (an on-premises ServiceNow, a local simulator). Cloud
       * metadata endpoints stay refused. Default: none.
       */
      allow?: string[];
      /** The whole vendor call, from connecting to the last byte, in milliseconds. Default 30000. */
      deadlineMs?: number;
      /** Largest vendor response body read, in bytes; a larger one fails the call. Default 8388608. */
      maxResponseBytes?: number;
    };
    retention?: {
      /** Delivered outbox rows are pruned after this long, a duration. Default 7 days. */
      delivered?: string | HumanDuration;
      /** Older alias of `delivered`, in days; `delivered` wins when both are set. */
      deliveredDays?: number;
      /**
       * Settled inbox rows (`webhook_deliveries` applied or ignored) are pruned after this
       * long, a duration; rows still to apply or failed are kept. A vendor redelivery
       * older than this is no longer recognised by its event id (it is still left alone
       * as stale). Default 7 days.
       */
      inbox?: string | HumanDuration;
      /** Sync trace entries (GET /v1/incidents/{id}/trace) are pruned after this long, a duration. Default 14 days. */
      trace?: string | HumanDuration;
      /** `trace` in days; `trace` wins when both are set. */
      traceDays?: number;
    };
    /**
     * Integrations as code: each entry is the body of `POST /v1/integrations` (same keys),
     * with optional `field_ownership` and `reconcile_schedule`. Checked at start (a typo
     * stops the start, naming the key), applied on every start and replica, read-only in
     * the API, CLI and portal; an entry removed here is kept and handed back to the API,
     * never deleted. Take credentials from the environment: `password: ${SERVICENOW_PASSWORD}`.
     */
    integrations?: Array<{
      name: string;
      organization_id: string;
      integration_type: string;
      base_url: string;
      /**
       * Credential entries by the connector's names (`im connector show TYPE`).
       * @visibility secret
       */
      credentials?: { [key: string]: string };
      /**
       * Webhook signing secrets, newest first.
       * @visibility secret
       */
      webhook_secrets?: string[];
      sync_direction?: 'outbound' | 'inbound' | 'bidirectional';
      enabled?: boolean;
      conflict_strategy?:
        'last-write-wins' | 'ownership-priority' | 'manual-review';
      conflict_window_seconds?: number;
      rate_limit?: number | null;
      backoff_multiplier?: number;
      /**
       * The connector's settings (`settings_schema` of GET /v1/connectors). Sealed settings
       * (the templated webhook's additional_headers) may carry secrets: take them from the
       * environment.
       * @deepVisibility secret
       */
      settings?: { [key: string]: unknown };
      field_ownership?: Array<{
        field: string;
        owner: 'platform' | 'external';
        priority?: number;
      }>;
      reconcile_schedule?: {
        /** `30m`, `6h`, `1d` or seconds; at least a minute. */
        interval: string | number;
        auto_heal?: boolean;
        enabled?: boolean;
      };
    }>;
  };
}
