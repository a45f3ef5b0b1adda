import { useCallback, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ManualSyncResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import {
  errorMessage,
  ManualSyncCooldownError,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { useCountdown } from './useCountdown';

/** docs/sync-semantics.md#cooldown: the button locks for ten minutes after a sync unless the backend says otherwise. */
const DEFAULT_COOLDOWN_SECONDS = 600;

/** The "Sync with ITSM" states for one incident on one integration. */
export type ManualSyncState =
  | { kind: 'idle' }
  | { kind: 'in_flight' }
  | { kind: 'failed'; message: string };

/**
 * `storedCooldownUntil` is the link's cooldown end as the backend keeps it, so a page
 * reload inside the cooldown still shows it.
 */
export function useManualSync(
  integrationId: string,
  incidentId: string,
  storedCooldownUntil?: string | null,
) {
  const api = useApi(itsmSyncApiRef);
  const [state, setState] = useState<ManualSyncState>({ kind: 'idle' });
  const [result, setResult] = useState<ManualSyncResponse>();
  const [cooldownUntil, setCooldownUntil] = useState<Date | undefined>(() =>
    dateOrUndefined(storedCooldownUntil),
  );
  const secondsLeft = useCountdown(cooldownUntil);

  const sync = useCallback(async () => {
    setState({ kind: 'in_flight' });
    try {
      const response = await api.syncIncident(integrationId, incidentId);
      setResult(response);
      setCooldownUntil(cooldownEndOf(response));
      setState({ kind: 'idle' });
    } catch (error) {
      if (error instanceof ManualSyncCooldownError) {
        setCooldownUntil(error.cooldownUntil);
        setState({ kind: 'idle' });
      } else {
        setState({ kind: 'failed', message: errorMessage(error) });
      }
    }
  }, [api, integrationId, incidentId]);

  return { state, result, secondsLeft, coolingDown: secondsLeft > 0, sync };
}

function dateOrUndefined(value: string | null | undefined): Date | undefined {
  const at = value ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

function cooldownEndOf(response: ManualSyncResponse): Date {
  const at = new Date(response.cooldown_until);
  return Number.isNaN(at.getTime())
    ? new Date(Date.now() + DEFAULT_COOLDOWN_SECONDS * 1000)
    : at;
}
