import { randomBytes } from 'node:crypto';
import { toGlideDateTime } from './glideTime';
import { calculatePriority } from './priorityMatrix';
import {
  INCIDENT_DEFAULTS,
  IncidentRecord,
  JOURNAL_COLUMNS,
  JournalEntry,
  NAMED_REFERENCE_TABLES,
  NamedRecord,
  REFERENCE_COLUMNS,
  SYSTEM_COLUMNS,
  UserRecord,
} from './records';

/** ServiceNow sys_ids: 32 lower-case hex characters. */
export function newSysId(): string {
  return randomBytes(16).toString('hex');
}

/** Raised like ServiceNow's data policy when a close needs close_code and close_notes. */
export class DataPolicyError extends Error {}

/** The store's contents as plain JSON. */
export interface IncidentStoreSnapshot {
  incidents: IncidentRecord[];
  users: UserRecord[];
  journal: JournalEntry[];
  nextNumber: number;
  /** Absent in snapshots written before groups and CIs were kept. */
  groups?: NamedRecord[];
  configurationItems?: NamedRecord[];
}

/** What one write changed. */
export interface WriteOutcome {
  record: IncidentRecord;
  /** Columns whose stored value changed, journal columns included. */
  changed: string[];
}

/**
 * The simulator's database: incidents, the users they reference and the journal
 * (work notes and comments), with ServiceNow's write rules: system columns are
 * read-only, priority follows impact x urgency, references resolve to sys_user, a
 * resolve or close needs close_code and close_notes.
 */
export class IncidentStore {
  readonly incidents = new Map<string, IncidentRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly journal: JournalEntry[] = [];
  /** sys_user_group and cmdb_ci rows, by sys_id: what assignment_group and cmdb_ci reference. */
  readonly tables = {
    sys_user_group: new Map<string, NamedRecord>(),
    cmdb_ci: new Map<string, NamedRecord>(),
  };
  private nextNumber = 10001;

  constructor(private readonly now: () => Date) {
    this.addUser({
      user_name: 'admin',
      name: 'System Administrator',
      email: 'admin@example.com',
    });
  }

  addUser(user: Omit<UserRecord, 'sys_id'> & { sys_id?: string }): UserRecord {
    const row = { ...user, sys_id: user.sys_id ?? newSysId() };
    this.users.set(row.sys_id, row);
    return row;
  }

  /** Adds an assignment group (sys_user_group) or configuration item (cmdb_ci) row. */
  addNamed(
    table: keyof IncidentStore['tables'],
    name: string,
    sysId: string = newSysId(),
  ): NamedRecord {
    const row = { sys_id: sysId, name };
    this.tables[table].set(sysId, row);
    return row;
  }

  /** A group or CI by sys_id or name (names compare case-insensitively). */
  findNamed(
    table: keyof IncidentStore['tables'],
    value: string,
  ): NamedRecord | undefined {
    const rows = this.tables[table];
    if (rows.has(value)) return rows.get(value);
    const lower = value.toLowerCase();
    return [...rows.values()].find(r => r.name.toLowerCase() === lower);
  }

  /** The display value of a group or CI reference column: the row's name, else the value as stored. */
  referenceName(column: string, value: string): string {
    const table = NAMED_REFERENCE_TABLES[column];
    return (table && this.tables[table].get(value)?.name) ?? value;
  }

  /**
   * What a column stores for a written value: a person's sys_id for user references; a
   * group's or CI's sys_id when given by name, or the value as given when it names no row
   * (ServiceNow shows that as an invalid reference); other columns as given.
   */
  private referenceValue(column: string, value: string): string {
    if (REFERENCE_COLUMNS.has(column)) return this.resolveUser(value);
    const named = NAMED_REFERENCE_TABLES[column];
    if (!named || !value) return value;
    return this.findNamed(named, value)?.sys_id ?? value;
  }

  /** Finds a user by sys_id, user_name, name or email. */
  findUser(value: string): UserRecord | undefined {
    if (this.users.has(value)) return this.users.get(value);
    const lower = value.toLowerCase();
    return [...this.users.values()].find(
      u =>
        u.user_name.toLowerCase() === lower ||
        u.name.toLowerCase() === lower ||
        u.email.toLowerCase() === lower,
    );
  }

  /**
   * A reference given by display value resolves to the matching user. Unknown people
   * are provisioned on first sight, as an identity sync would have done, so that
   * assignments from the platform survive the round trip.
   */
  /** Everything the store holds, as plain JSON, for a simulator kept across restarts. */
  snapshot(): IncidentStoreSnapshot {
    return {
      incidents: [...this.incidents.values()],
      users: [...this.users.values()],
      journal: [...this.journal],
      nextNumber: this.nextNumber,
      groups: [...this.tables.sys_user_group.values()],
      configurationItems: [...this.tables.cmdb_ci.values()],
    };
  }

  /** Replaces the store's contents with a snapshot's. */
  restore(snapshot: IncidentStoreSnapshot) {
    this.incidents.clear();
    for (const record of snapshot.incidents)
      this.incidents.set(record.sys_id, record);
    this.users.clear();
    for (const user of snapshot.users) this.users.set(user.sys_id, user);
    this.journal.splice(0, this.journal.length, ...snapshot.journal);
    this.nextNumber = snapshot.nextNumber;
    // An older snapshot has no groups or CIs: the seeded ones stay.
    if (snapshot.groups) {
      this.tables.sys_user_group.clear();
      for (const row of snapshot.groups)
        this.tables.sys_user_group.set(row.sys_id, row);
    }
    if (snapshot.configurationItems) {
      this.tables.cmdb_ci.clear();
      for (const row of snapshot.configurationItems)
        this.tables.cmdb_ci.set(row.sys_id, row);
    }
  }

  private resolveUser(value: string): string {
    if (!value) return '';
    const found = this.findUser(value);
    if (found) return found.sys_id;
    const userName = value.includes('@')
      ? value.split('@')[0]
      : value.toLowerCase().replace(/\s+/g, '.');
    return this.addUser({
      user_name: userName,
      name: value,
      email: value.includes('@') ? value : '',
    }).sys_id;
  }

  userName(sysId: string): string {
    return this.users.get(sysId)?.name ?? '';
  }

  create(values: Record<string, unknown>, actor: string): WriteOutcome {
    const at = toGlideDateTime(this.now());
    const record: IncidentRecord = {
      ...INCIDENT_DEFAULTS,
      sys_id: newSysId(),
      number: `INC${String(this.nextNumber++).padStart(7, '0')}`,
      opened_at: at,
      opened_by: this.findUser(actor)?.sys_id ?? '',
      sys_created_on: at,
      sys_created_by: actor,
      sys_updated_on: at,
      sys_updated_by: actor,
      sys_mod_count: '0',
    };
    const changed = this.apply(record, values, actor, at);
    this.incidents.set(record.sys_id, record);
    return { record, changed };
  }

  update(
    sysId: string,
    values: Record<string, unknown>,
    actor: string,
  ): WriteOutcome | undefined {
    const current = this.incidents.get(sysId);
    if (!current) return undefined;
    const at = toGlideDateTime(this.now());
    const next = { ...current };
    const changed = this.apply(next, values, actor, at);
    if (changed.length) {
      next.sys_updated_on = at;
      next.sys_updated_by = actor;
      next.sys_mod_count = String(Number(next.sys_mod_count) + 1);
    }
    this.incidents.set(sysId, next);
    return { record: next, changed };
  }

  delete(sysId: string): boolean {
    return this.incidents.delete(sysId);
  }

  /** Work notes or comments of one incident, oldest first. */
  journalOf(sysId: string, element?: JournalEntry['element']): JournalEntry[] {
    return this.journal.filter(
      j => j.element_id === sysId && (!element || j.element === element),
    );
  }

  /** Applies caller values with the write rules; validates before anything is stored. */
  private apply(
    record: IncidentRecord,
    values: Record<string, unknown>,
    actor: string,
    at: string,
  ): string[] {
    const before = { ...record };
    const notes: Array<[JournalEntry['element'], string]> = [];
    for (const [column, raw] of Object.entries(values)) {
      // The Table API silently ignores read-only and unknown columns.
      if (SYSTEM_COLUMNS.has(column) || !(column in INCIDENT_DEFAULTS))
        continue;
      const value = raw === null || raw === undefined ? '' : String(raw);
      if (JOURNAL_COLUMNS.has(column)) {
        if (value.trim())
          notes.push([column as JournalEntry['element'], value]);
        continue;
      }
      record[column] = this.referenceValue(column, value);
    }
    record.priority = calculatePriority(record.impact, record.urgency);
    if (
      ['6', '7'].includes(record.state) &&
      (!record.close_code || !record.close_notes)
    ) {
      Object.assign(record, before);
      throw new DataPolicyError(
        'The following fields are mandatory: Resolution code, Resolution notes',
      );
    }
    if (record.state === '6' && !record.resolved_at) record.resolved_at = at;
    if (record.state === '7' && !record.closed_at) record.closed_at = at;
    if (!['6', '7', '8'].includes(record.state)) {
      record.resolved_at = '';
      record.closed_at = '';
    }
    if (record.state !== '3')
      record.hold_reason = record.state === '4' ? record.hold_reason : '';
    record.active = ['7', '8'].includes(record.state) ? 'false' : 'true';

    for (const [element, value] of notes) {
      this.journal.push({
        sys_id: newSysId(),
        name: 'incident',
        element,
        element_id: record.sys_id,
        value,
        sys_created_on: at,
        sys_created_by: actor,
      });
    }
    const changed = Object.keys(record).filter(
      k => record[k] !== before[k] && !SYSTEM_COLUMNS.has(k),
    );
    if (before.priority !== record.priority) changed.push('priority');
    return [...changed, ...notes.map(([element]) => element)].filter(
      (c, i, all) => all.indexOf(c) === i,
    );
  }
}
