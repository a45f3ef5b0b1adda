import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { newSysId, type IncidentStore } from './IncidentStore';
import { toGlideDateTime } from './glideTime';
import type { IncidentRecord } from './records';

/** How the business rule signs what it sends: the system properties it reads. */
export interface SigningOptions {
  secret: string;
  /** `itsm_sync.signature_encoding`: Base64 (ServiceNow's helpers) or hex. */
  encoding?: 'base64' | 'hex';
  /** `itsm_sync.send_timestamp`: adds `X-ServiceNow-Timestamp` (epoch seconds). */
  timestamp?: boolean;
  /**
   * `itsm_sync.signature_scheme`. `legacy` (the default): `X-ServiceNow-Signature` over the
   * body. `standard-webhooks`: `webhook-id` (the payload's event_id, the same on a retry),
   * `webhook-timestamp` and `webhook-signature: v1,<Base64 HMAC of id.timestamp.body>`.
   */
  scheme?: 'legacy' | 'standard-webhooks';
}

/**
 * The scripts the ServiceNow module ships for instances to install. The simulator runs these
 * very files, so what the hub ships is what every test exercises. Found through the
 * package's location, not imported: the simulators have no code dependency on the product.
 */
export const SHIPPED_SERVICENOW_SCRIPTS = path.join(
  path.dirname(
    require.resolve('@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow/package.json'),
  ),
  'servicenow',
);
const shipped = (file: string) =>
  new vm.Script(
    readFileSync(path.join(SHIPPED_SERVICENOW_SCRIPTS, file), 'utf8'),
    {
      filename: file,
    },
  );
let scripts: { signer: vm.Script; rule: vm.Script } | undefined;

/** The request the script's RESTMessageV2 would send. */
export interface BusinessRuleRequest {
  url: string;
  method: string;
  rawBody: Buffer;
  /** Lower-cased names, as the hub receives them. */
  headers: Record<string, string>;
}

/** A journal entry as `getJournalEntry(1)` gives it: "<time> - <user> (Work notes)\n<text>\n\n". */
function formatJournal(
  store: IncidentStore,
  sysId: string,
  element: 'work_notes' | 'comments',
): string {
  const entry = store.journalOf(sysId, element).at(-1);
  if (!entry) return '';
  const user =
    store.findUser(entry.sys_created_by)?.name ?? entry.sys_created_by;
  const label = element === 'work_notes' ? 'Work notes' : 'Additional comments';
  return `${entry.sys_created_on} - ${user} (${label})\n${entry.value}\n\n`;
}

/** GlideElement: one column of `current`, with what the script calls on it. */
function glideElement(
  store: IncidentStore,
  record: IncidentRecord,
  column: string,
  changed: string[],
) {
  const value = record[column] ?? '';
  return {
    toString: () => value,
    changes: () => changed.includes(column),
    getDisplayValue: () =>
      column === 'assigned_to' && value
        ? store.userName(value)
        : store.referenceName(column, value),
    getJournalEntry: (n: number) =>
      n === 1 && (column === 'work_notes' || column === 'comments')
        ? formatJournal(store, record.sys_id, column)
        : '',
  };
}

/** `current`: a GlideRecord of the incident after the write. */
function glideRecord(
  store: IncidentStore,
  record: IncidentRecord,
  operation: 'insert' | 'update',
  changed: string[],
) {
  const gr: Record<string, unknown> = {
    operation: () => operation,
    getUniqueValue: () => record.sys_id,
    // GlideRecord.getValue answers null for an empty column.
    getValue: (column: string) => record[column] || null,
  };
  const columns = new Set([...Object.keys(record), 'work_notes', 'comments']);
  for (const column of columns)
    gr[column] = glideElement(store, record, column, changed);
  return gr;
}

/**
 * Runs the shipped business rule, with the shipped Script Include it calls, in a sandbox
 * holding the Glide APIs they use (GlideRecord and GlideElement over the simulator's store,
 * gs, GlideStringUtil, GlideCertificateEncryption, GlideDateTime, sn_ws.RESTMessageV2) as
 * ServiceNow documents them. Answers the request the rule's `executeAsync()` would send.
 */
export function runBusinessRule(
  store: IncidentStore,
  record: IncidentRecord,
  operation: 'insert' | 'update',
  changed: string[],
  target: SigningOptions & { url?: string },
  now: Date,
): BusinessRuleRequest {
  scripts ??= {
    signer: shipped('ItsmSyncWebhookSigner.js'),
    rule: shipped('itsm_sync_incident_webhook.js'),
  };
  const properties: Record<string, string> = {
    'itsm_sync.webhook_url': target.url ?? '',
    'itsm_sync.webhook_secret': target.secret,
    'itsm_sync.signature_scheme': target.scheme ?? 'legacy',
    'itsm_sync.signature_encoding': target.encoding ?? 'base64',
    'itsm_sync.send_timestamp': String(Boolean(target.timestamp)),
  };
  let sent: BusinessRuleRequest | undefined;

  class RESTMessageV2 {
    private endpoint = '';
    private method = 'get';
    private body = '';
    // ServiceNow's outbound HTTP sends its own User-Agent.
    private readonly headers: Record<string, string> = {
      'user-agent': 'ServiceNow/1.0',
    };
    setEndpoint(url: string) {
      this.endpoint = url;
    }
    setHttpMethod(method: string) {
      this.method = method;
    }
    setRequestHeader(name: string, value: string) {
      this.headers[name.toLowerCase()] = String(value);
    }
    setRequestBody(body: string) {
      this.body = body;
    }
    executeAsync() {
      sent = {
        url: this.endpoint,
        method: this.method.toUpperCase(),
        rawBody: Buffer.from(this.body, 'utf8'),
        headers: { ...this.headers },
      };
    }
  }

  const sandbox = {
    current: glideRecord(store, record, operation, changed),
    previous: null,
    gs: {
      getProperty: (name: string, fallback?: string) =>
        properties[name] ?? fallback,
      generateGUID: () => newSysId(),
    },
    Class: {
      create: () =>
        function scriptInclude(this: any, ...args: unknown[]) {
          this.initialize(...args);
        },
    },
    GlideStringUtil: {
      base64Encode: (text: string) =>
        Buffer.from(text, 'utf8').toString('base64'),
      // Java bytes are signed.
      base64DecodeAsBytes: (text: string) =>
        Array.from(Buffer.from(text, 'base64'), b => (b > 127 ? b - 256 : b)),
    },
    GlideDateTime: function GlideDateTime(this: any) {
      this.getNumericValue = () => now.getTime();
      this.getValue = () => toGlideDateTime(now);
    },
    GlideCertificateEncryption: function GlideCertificateEncryption(this: any) {
      this.generateMac = (
        keyBase64: string,
        algorithm: string,
        data: string,
      ) => {
        if (algorithm !== 'HmacSHA256')
          throw new Error(
            `GlideCertificateEncryption: unsupported ${algorithm}`,
          );
        return createHmac('sha256', Buffer.from(keyBase64, 'base64'))
          .update(data, 'utf8')
          .digest('base64');
      };
    },
    sn_ws: { RESTMessageV2 },
  };
  const context = vm.createContext(sandbox);
  scripts.signer.runInContext(context);
  scripts.rule.runInContext(context);
  if (!sent) throw new Error('the business rule sent nothing');
  return sent;
}
