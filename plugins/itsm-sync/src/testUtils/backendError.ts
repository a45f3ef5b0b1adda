import { ResponseError } from '@backstage/errors';

/** The `ResponseError` the real client throws when the backend answers `status` with this message. */
export async function backendError(
  status: number,
  message: string,
): Promise<ResponseError> {
  const body = JSON.stringify({
    error: { name: 'Error', message },
    response: { statusCode: status },
  });
  return ResponseError.fromResponse({
    ok: false,
    status,
    statusText: '',
    type: 'basic',
    url: '',
    redirected: false,
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () => body,
  });
}
