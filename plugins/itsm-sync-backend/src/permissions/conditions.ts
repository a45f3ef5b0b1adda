import { createConditionExports } from '@backstage/plugin-permission-node';
import {
  conflictPermissionResourceRef,
  integrationPermissionResourceRef,
} from './resources';
import { conflictPermissionRules, integrationPermissionRules } from './rules';

const integrationExports = createConditionExports({
  resourceRef: integrationPermissionResourceRef,
  rules: integrationPermissionRules,
});

const conflictExports = createConditionExports({
  resourceRef: conflictPermissionResourceRef,
  rules: conflictPermissionRules,
});

/** Conditions on integrations, for permission policies. @public */
export const itsmSyncIntegrationConditions = integrationExports.conditions;
/** @public */
export const createItsmSyncIntegrationConditionalDecision =
  integrationExports.createConditionalDecision;

/** Conditions on conflicts, for permission policies. @public */
export const itsmSyncConflictConditions = conflictExports.conditions;
/** @public */
export const createItsmSyncConflictConditionalDecision =
  conflictExports.createConditionalDecision;
