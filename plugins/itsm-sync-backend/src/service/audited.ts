import { toError } from '@backstage/errors';
import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/**
 * Runs an audited operation: the auditor event opens first and closes as a success
 * (with what `successMeta` picks from the result) or as a failure with the error, which
 * is rethrown for the router's error handling.
 */
export async function audited<T>(
  auditor: AuditorService,
  event: AuditorServiceCreateEventOptions,
  action: () => Promise<T>,
  successMeta?: (result: T) => JsonObject,
): Promise<T> {
  const audit = await auditor.createEvent(event);
  try {
    const result = await action();
    await audit.success(
      successMeta ? { meta: successMeta(result) } : undefined,
    );
    return result;
  } catch (error) {
    await audit.fail({ error: toError(error) });
    throw error;
  }
}
