import { useState } from 'react';

import { errorMessage } from '@itsm-sync-hub/plugin-itsm-sync-common';
/**
 * Runs a row's action (resolve, retry, discard) and tracks it: busy while it runs, and
 * busy still after success, because the row then leaves the list; a failure frees the
 * buttons again and keeps the message for the row to show.
 */
export function usePendingAction<A>(perform: (action: A) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (action: A) => {
    setBusy(true);
    setError(undefined);
    try {
      await perform(action);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return { busy, error, run };
}
