import { ResponseError } from '@backstage/errors';
import {
  backendUrlDiscovery,
  errorMessage,
  fetchWithBearerToken,
  ItsmSyncClient,
  type ItsmSyncApi,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { CliError, httpErrorMessage } from './errors';
import type { Connection } from './connection';

/** One line per kind of network failure; the URL is shown, the token never is. */
function networkMessage(error: unknown, url: string): string {
  const cause = (error as { cause?: { code?: string; message?: string } })
    ?.cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED')
    return `Cannot connect to the itsm-sync backend at ${url}: connection refused (is it running? set --url or IM_URL)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `Cannot connect to the itsm-sync backend at ${url}: host not found`;
  if (code === 'ECONNRESET')
    return `The connection to the itsm-sync backend at ${url} was reset`;
  if ((error as Error)?.name === 'TimeoutError')
    return `The itsm-sync backend at ${url} did not answer in time`;
  return `Cannot connect to the itsm-sync backend at ${url}: ${cause?.message ?? (error as Error)?.message ?? 'unknown error'}`;
}

/** The backend's reason on one line; an HTML error page (a proxy's) is no use there. */
function backendReason(error: ResponseError): string | undefined {
  const message = errorMessage(error).trim();
  if (!message || /<[a-z!]/i.test(message)) return undefined;
  return message.split('\n')[0].slice(0, 300);
}

/**
 * The shared `ItsmSyncClient` bound to the connection (URL and token), with every
 * failure turned into one line that names what was attempted.
 */
export class HubApi {
  private readonly client: ItsmSyncApi;

  constructor(private readonly connection: Connection) {
    this.client = new ItsmSyncClient({
      discoveryApi: backendUrlDiscovery(connection.url),
      fetchApi: fetchWithBearerToken(() => connection.token),
    });
  }

  /** Runs one call of the API; `what` says what it does, for the error ("get integration 'prod-snow'"). */
  async call<T>(
    what: string,
    request: (api: ItsmSyncApi) => Promise<T>,
  ): Promise<T> {
    try {
      return await request(this.client);
    } catch (error) {
      if (error instanceof ResponseError)
        throw new CliError(
          httpErrorMessage(error.statusCode, backendReason(error), what),
        );
      if (error instanceof TypeError)
        throw new CliError(networkMessage(error, this.connection.url));
      if ((error as Error)?.name === 'TimeoutError')
        throw new CliError(networkMessage(error, this.connection.url));
      throw new CliError(errorMessage(error));
    }
  }
}
