export interface Config {
  itsmSync?: {
    /** The RBAC roles (docs/sync-semantics.md#roles), enforced by the backend's permission policy. */
    rbac?: {
      /** Role of a signed-in user with no assignment; unset means no itsm-sync access. */
      defaultRole?:
        | 'platform.administrator'
        | 'integration.manager'
        | 'incident_commander'
        | 'viewer';
      /** Users or groups (entity refs) per role, e.g. `viewer: [group:default/everyone]`. */
      roles?: {
        'platform.administrator'?: string[];
        'integration.manager'?: string[];
        incident_commander?: string[];
        viewer?: string[];
      };
      /**
       * Scopes of `integration.manager` assignees ("manage integrations in
       * assigned scope"): the assignee (one of the refs under `roles.integration.manager`)
       * manages, and resolves conflicts of, only the integrations listed (ids or names).
       * An assignee without a scope manages every integration.
       */
      integrationScopes?: Array<{
        assignee: string;
        integrations: string[];
      }>;
    };
    /** The demo that `npm start` runs. */
    demo?: {
      /** Starts the bundled vendor simulators and seeds demo integrations and incidents. */
      enabled?: boolean;
      /**
       * Where the simulators keep their tickets between runs (one JSON file each), so they
       * stay in step with a kept database. Unset: they start empty every time.
       */
      stateDirectory?: string;
    };
  };
}
