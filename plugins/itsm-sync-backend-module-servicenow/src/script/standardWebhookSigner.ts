/**
 * The ServiceNow side of the `standard-webhooks` scheme: a Script Include, in the
 * JavaScript ServiceNow runs, that a business rule calls to sign its RESTMessageV2 call.
 * It signs `<id>.<timestamp>.<body>` with HMAC-SHA256 through GlideCertificateEncryption
 * (whose `generateMac` takes the key as Base64 and answers Base64) and sets the three
 * Standard Webhooks headers. The id should be the event's own id, so a retry keeps it.
 *
 * Kept as text here so the file shipped to instances, the docs and the tests use one copy;
 * the test runs it against a Node implementation of the two Glide APIs it calls.
 * @public
 */
export const STANDARD_WEBHOOK_SIGNER_SCRIPT = `var ItsmSyncWebhookSigner = Class.create();
ItsmSyncWebhookSigner.prototype = {
  /** secret: the integration's webhook secret, as configured in the hub (keep it in a system property). */
  initialize: function (secret) {
    this.key = GlideStringUtil.base64Encode(secret);
  },

  /** The three headers for a body already serialised; id: the event's id (stable across retries). */
  headers: function (id, body) {
    var timestamp = String(Math.floor(new GlideDateTime().getNumericValue() / 1000));
    var mac = new GlideCertificateEncryption().generateMac(this.key, 'HmacSHA256', id + '.' + timestamp + '.' + body);
    return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': 'v1,' + mac };
  },

  /** Signs and sets the body and headers of a RESTMessageV2. */
  sign: function (request, id, body) {
    var headers = this.headers(id, body);
    for (var name in headers) request.setRequestHeader(name, headers[name]);
    request.setRequestHeader('Content-Type', 'application/json');
    request.setRequestBody(body);
    return request;
  },

  type: 'ItsmSyncWebhookSigner'
};
`;
