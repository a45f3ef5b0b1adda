/**
 * ITSM Sync Hub: Script Include "ItsmSyncWebhookSigner" (Accessible from: All application scopes).
 * Signs the webhooks the business rule itsm_sync_incident_webhook.js sends to the hub.
 * Install steps: docs/connectors/servicenow.md#vendor-setup.
 *
 * HMAC-SHA256 through GlideCertificateEncryption.generateMac, which takes the key as Base64
 * and answers Base64.
 */
var ItsmSyncWebhookSigner = Class.create();
ItsmSyncWebhookSigner.prototype = {
  /** secret: the integration's webhook secret, as configured in the hub (keep it in a system property). */
  initialize: function (secret) {
    this.key = GlideStringUtil.base64Encode(secret);
  },

  mac: function (data) {
    return new GlideCertificateEncryption().generateMac(this.key, 'HmacSHA256', data);
  },

  /** The three Standard Webhooks headers for a body already serialised; id: the event's id (stable across retries). */
  headers: function (id, body) {
    var timestamp = String(Math.floor(new GlideDateTime().getNumericValue() / 1000));
    var mac = this.mac(id + '.' + timestamp + '.' + body);
    return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': 'v1,' + mac };
  },

  /** Standard Webhooks: signs and sets the body and headers of a RESTMessageV2. */
  sign: function (request, id, body) {
    var headers = this.headers(id, body);
    for (var name in headers) request.setRequestHeader(name, headers[name]);
    request.setRequestHeader('Content-Type', 'application/json');
    request.setRequestBody(body);
    return request;
  },

  /**
   * The hub's legacy scheme: X-ServiceNow-Signature, the HMAC of the body in Base64 (or hex
   * when encoding is 'hex'), and X-ServiceNow-Timestamp (epoch seconds) when withTimestamp.
   */
  signLegacy: function (request, body, encoding, withTimestamp) {
    var mac = this.mac(body);
    if (encoding === 'hex') mac = this.toHex(GlideStringUtil.base64DecodeAsBytes(mac));
    request.setRequestHeader('X-ServiceNow-Signature', mac);
    if (withTimestamp)
      request.setRequestHeader('X-ServiceNow-Timestamp', String(Math.floor(new GlideDateTime().getNumericValue() / 1000)));
    request.setRequestHeader('Content-Type', 'application/json');
    request.setRequestBody(body);
    return request;
  },

  /** Java bytes (signed) as lower-case hex. */
  toHex: function (bytes) {
    var hex = '';
    for (var i = 0; i < bytes.length; i++) hex += ((bytes[i] & 0xff) + 0x100).toString(16).substr(1);
    return hex;
  },

  type: 'ItsmSyncWebhookSigner'
};
