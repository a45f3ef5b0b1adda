import type {
  IgnoredWebhookEvent,
  NormalizedChange,
  ParsedWebhook,
} from './types';

/** `parseWebhook`'s answer in one shape: a bare list is all changes. @public */
export function parsedWebhook(
  result: NormalizedChange[] | ParsedWebhook,
): ParsedWebhook {
  return Array.isArray(result) ? { changes: result, ignored: [] } : result;
}

/** One event acknowledged without action, as a `ParsedWebhook`. @public */
export function ignoredWebhook(event: IgnoredWebhookEvent): ParsedWebhook {
  return { changes: [], ignored: [event] };
}

/**
 * `settings.inbound_create` of any integration: whether a ticket opened at the vendor (in
 * the integration's scope) opens a platform incident. On unless set to false; throws an
 * Error naming the setting when it is not a boolean.
 * @public
 */
export function inboundCreateEnabled(
  settings: Record<string, unknown>,
): boolean {
  const value = settings.inbound_create;
  if (value === undefined || value === null) return true;
  if (typeof value !== 'boolean')
    throw new Error('inbound_create must be true or false');
  return value;
}
