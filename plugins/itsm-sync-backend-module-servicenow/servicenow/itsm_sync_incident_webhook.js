/**
 * ITSM Sync Hub: Business Rule "ITSM Sync webhook" on the incident table.
 * When: after; Insert and Update; Advanced; Order 1000. Calls the Script Include
 * ItsmSyncWebhookSigner. Install steps and the system properties it reads:
 * docs/connectors/servicenow.md#vendor-setup.
 *
 * Posts the incident, the columns this write changed and its newest work note to the hub's
 * webhook URL, signed with the integration's webhook secret.
 */
(function executeRule(current, previous /* null when async */) {
  var url = gs.getProperty('itsm_sync.webhook_url', '');
  var secret = gs.getProperty('itsm_sync.webhook_secret', '');
  var scheme = gs.getProperty('itsm_sync.signature_scheme', 'legacy');
  var encoding = gs.getProperty('itsm_sync.signature_encoding', 'base64');
  var withTimestamp = gs.getProperty('itsm_sync.send_timestamp', 'false') === 'true';

  // The columns the hub reads or that tell it what happened; only those this write changed are listed.
  var columns = ['short_description', 'description', 'state', 'impact', 'urgency', 'priority',
    'assigned_to', 'assignment_group', 'caller_id', 'category', 'correlation_id', 'correlation_display',
    'hold_reason', 'close_code', 'close_notes', 'resolved_at', 'closed_at', 'active', 'work_notes', 'comments'];
  var changed = [];
  for (var i = 0; i < columns.length; i++) {
    if (current[columns[i]].changes()) changed.push(columns[i]);
  }

  // getJournalEntry(1) is "<time> - <user> (Work notes)\n<text>\n\n": the hub wants the text.
  function newestEntry(element) {
    if (!current[element].changes()) return '';
    var entry = current[element].getJournalEntry(1) || '';
    return entry.replace(/^[^\n]*\n/, '').replace(/\s+$/, '');
  }

  var payload = {
    event_id: gs.generateGUID(),
    operation: current.operation(),
    sys_id: current.getUniqueValue(),
    number: current.getValue('number'),
    short_description: current.getValue('short_description') || '',
    description: current.getValue('description') || '',
    state: current.getValue('state'),
    priority: current.getValue('priority'),
    impact: current.getValue('impact'),
    urgency: current.getValue('urgency'),
    assigned_to: current.assigned_to.getDisplayValue() || '',
    assignment_group: current.getValue('assignment_group') || '',
    assignment_group_name: current.assignment_group.getDisplayValue() || '',
    correlation_id: current.getValue('correlation_id') || '',
    close_code: current.getValue('close_code') || '',
    close_notes: current.getValue('close_notes') || '',
    work_notes: newestEntry('work_notes'),
    comments: newestEntry('comments'),
    changed_fields: changed,
    updated_on: current.getValue('sys_updated_on'),
    updated_by: current.getValue('sys_updated_by')
  };
  var body = JSON.stringify(payload);

  var request = new sn_ws.RESTMessageV2();
  request.setEndpoint(url);
  request.setHttpMethod('post');
  var signer = new ItsmSyncWebhookSigner(secret);
  if (scheme === 'standard-webhooks') signer.sign(request, payload.event_id, body);
  else signer.signLegacy(request, body, encoding, withTimestamp);
  // Asynchronous, so a slow hub never holds up the person saving the incident.
  request.executeAsync();
})(current, previous);
