export interface Config {
  itsmSync?: {
    /**
     * Owner notifications through Backstage notifications (docs/sync-semantics.md#notifications).
     * Each integration can turn a kind off or on with `settings.notifications`.
     */
    notifications?: {
      /** Off stops every notification of the hub. Default true. */
      enabled?: boolean;
      /** A conflict queued for manual review, to the owners of the incident's entity. Default true. */
      conflicts?: boolean;
      /** Changes moved to the DLQ, one notification per owner and DLQ episode. Default true. */
      dlq?: boolean;
      /** An integration failing and recovering, to its `settings.notifications.owner`. Default true. */
      health?: boolean;
    };
  };
}
