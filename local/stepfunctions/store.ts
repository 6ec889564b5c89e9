// The runtime's durable record in node:sqlite: state machines, executions (with the position of every running
// execution as JSON), their history events and task tokens. ':memory:' gives the same code without a disk.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

export interface StateMachineRow {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: string;
  created: number;
  updated: number;
  revision: string;
}

export interface ExecutionRow {
  seq: number;
  arn: string;
  smArn: string;
  name: string;
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  start: number;
  stop: number | null;
  definition: string;
  roleArn: string;
  smUpdated: number;
  testCase: string | null;
  /** JSON of the engine's position; null once the execution has stopped. */
  state: string | null;
  nextEvent: number;
  /** Times RedriveExecution restarted it, and when it last did. */
  redriveCount: number;
  redriveDate: number | null;
  /**
   * Set when it stopped unsuccessfully: JSON of where a redrive continues (`{state, input, variables}`), or of
   * why it cannot (`{reason}`).
   */
  redrivePoint?: string;
  /** The version and the alias it was started through (StartExecution on a qualified ARN). */
  versionArn?: string | null;
  aliasArn?: string | null;
}

export interface VersionRow {
  smArn: string;
  version: number;
  definition: string;
  roleArn: string;
  revision: string;
  description: string | null;
  created: number;
}

export interface AliasRow {
  arn: string;
  smArn: string;
  name: string;
  description: string | null;
  routing: Array<{ stateMachineVersionArn: string; weight: number }>;
  created: number;
  updated: number;
}

/** A Distributed Map run as DescribeMapRun shows it (status RUNNING while its execution runs it). */
export interface MapRunRow {
  arn: string;
  executionArn: string;
  stateMachineArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  start: number;
  stop: number | null;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  items: {
    pending: number;
    running: number;
    succeeded: number;
    failed: number;
    aborted: number;
    total: number;
  };
}

export interface ActivityRow {
  arn: string;
  name: string;
  created: number;
}

export interface EventRow {
  id: number;
  type: string;
  ts: number;
  prev: number;
  details: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS state_machines (
  arn TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL, type TEXT NOT NULL,
  created REAL NOT NULL, updated REAL NOT NULL, revision TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS definitions (hash TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS executions (
  seq INTEGER PRIMARY KEY, arn TEXT NOT NULL UNIQUE, sm_arn TEXT NOT NULL, name TEXT NOT NULL,
  status TEXT NOT NULL, input TEXT NOT NULL, output TEXT, error TEXT, cause TEXT, start REAL NOT NULL, stop REAL,
  def_hash TEXT NOT NULL, role_arn TEXT NOT NULL, sm_updated REAL NOT NULL, test_case TEXT,
  next_event INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (sm_arn, seq);
-- The position of each RUNNING execution, rewritten at every turn: kept apart from the execution row so that
-- a turn rewrites only this small record.
CREATE TABLE IF NOT EXISTS positions (seq INTEGER PRIMARY KEY, state TEXT NOT NULL, next_event INTEGER NOT NULL);
-- History events in a rowid table (appended in commit order) with a small index for reads by execution:
-- several times faster to write than a table clustered on (exec, id), whose large rows interleave.
CREATE TABLE IF NOT EXISTS events (
  exec INTEGER NOT NULL, id INTEGER NOT NULL, type TEXT NOT NULL, ts REAL NOT NULL, prev INTEGER NOT NULL,
  details TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS events_by_execution ON events (exec, id);
-- Executions that stopped unsuccessfully or were redriven: where a redrive continues, how often it happened.
CREATE TABLE IF NOT EXISTS redrives (seq INTEGER PRIMARY KEY, point TEXT, count INTEGER NOT NULL, date REAL);
-- Published versions (numbered per machine, never reused: version_counters keeps the last number) and aliases.
CREATE TABLE IF NOT EXISTS versions (
  sm_arn TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
  revision TEXT NOT NULL, description TEXT, created REAL NOT NULL, PRIMARY KEY (sm_arn, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS version_counters (sm_arn TEXT PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aliases (
  arn TEXT PRIMARY KEY, sm_arn TEXT NOT NULL, name TEXT NOT NULL, description TEXT, routing TEXT NOT NULL,
  created REAL NOT NULL, updated REAL NOT NULL) WITHOUT ROWID;
-- The version and alias an execution was started through, for the few that were.
CREATE TABLE IF NOT EXISTS execution_origins (seq INTEGER PRIMARY KEY, version_arn TEXT, alias_arn TEXT);
CREATE TABLE IF NOT EXISTS tags (
  arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (arn, key)) WITHOUT ROWID;
-- Activities (CreateActivity); their queued tasks are the positions of the executions that wait on them.
CREATE TABLE IF NOT EXISTS activities (arn TEXT PRIMARY KEY, name TEXT NOT NULL, created REAL NOT NULL) WITHOUT ROWID;
-- Distributed Map runs: written with the turn that changes them (counts, status), kept after the execution.
CREATE TABLE IF NOT EXISTS map_runs (arn TEXT PRIMARY KEY, exec_arn TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS map_runs_by_execution ON map_runs (exec_arn);
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY, exec INTEGER NOT NULL, open INTEGER NOT NULL) WITHOUT ROWID;
`;

/** Everything written by one engine turn, committed in one transaction. */
export interface Batch {
  /** New executions (with their position when still running). */
  inserts: ExecutionRow[];
  /** Positions of running executions that moved. */
  positions: ExecutionRow[];
  /** Executions that stopped: status, output, error, stop date; their position is dropped. */
  finishes: ExecutionRow[];
  events: Array<{ exec: number; row: EventRow }>;
  tokens: Array<{ token: string; exec: number; open: boolean }>;
  /** Map runs that changed in the turn. */
  mapRuns?: MapRunRow[];
  /** Stopped executions that RedriveExecution made RUNNING again (their position is in `positions`). */
  reopens?: ExecutionRow[];
}

export class Store {
  private readonly db: DatabaseSync;
  private readonly s: Record<string, StatementSync>;

  constructor(dataDir?: string) {
    let file = ':memory:';
    if (dataDir) {
      const dir = resolve(dataDir);
      mkdirSync(dir, { recursive: true });
      file = join(dir, 'stepfunctions.sqlite');
    }
    this.db = new DatabaseSync(file);
    if (dataDir) {
      this.db.exec('PRAGMA journal_mode = WAL');
      // WAL with synchronous=NORMAL survives a process crash (the case we promise); a power cut may lose
      // the last transactions, but never leaves the file corrupt.
      this.db.exec('PRAGMA synchronous = NORMAL');
    }
    this.db.exec(SCHEMA);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      putMachine: p(
        `INSERT OR REPLACE INTO state_machines (arn, name, definition, role_arn, type, created, updated, revision)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      getMachine: p('SELECT * FROM state_machines WHERE arn = ?'),
      deleteMachine: p('DELETE FROM state_machines WHERE arn = ?'),
      listMachines: p('SELECT * FROM state_machines WHERE arn > ? ORDER BY arn LIMIT ?'),
      putDefinition: p('INSERT OR IGNORE INTO definitions (hash, text) VALUES (?, ?)'),
      insertExec: p(
        `INSERT INTO executions (seq, arn, sm_arn, name, status, input, output, error, cause, start, stop, def_hash,
           role_arn, sm_updated, test_case, next_event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      finishExec: p(
        `UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, stop = ?, next_event = ? WHERE seq = ?`,
      ),
      putPosition: p('INSERT OR REPLACE INTO positions (seq, state, next_event) VALUES (?, ?, ?)'),
      dropPosition: p('DELETE FROM positions WHERE seq = ?'),
      getExec: p(`${SELECT_EXEC} WHERE e.arn = ?`),
      maxSeq: p('SELECT coalesce(max(seq), 0) AS seq FROM executions'),
      running: p(
        `SELECT e.*, d.text AS definition, p.state AS state, p.next_event AS position_next,
           r.count AS redrive_count, r.date AS redrive_date
         FROM positions p JOIN executions e ON e.seq = p.seq JOIN definitions d ON d.hash = e.def_hash
           LEFT JOIN redrives r ON r.seq = e.seq ORDER BY e.seq`,
      ),
      listExecs: p(`${SELECT_EXEC} WHERE e.sm_arn = ? AND e.seq < ? ORDER BY e.seq DESC LIMIT ?`),
      listExecsByStatus: p(
        `${SELECT_EXEC} WHERE e.sm_arn = ? AND e.status = ? AND e.seq < ? ORDER BY e.seq DESC LIMIT ?`,
      ),
      insertEvent: p('INSERT INTO events (exec, id, type, ts, prev, details) VALUES (?, ?, ?, ?, ?, ?)'),
      insertEvents: p(
        `INSERT INTO events (exec, id, type, ts, prev, details) VALUES ${Array(EVENT_CHUNK).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`,
      ),
      eventsAsc: p(
        'SELECT id, type, ts, prev, details FROM events WHERE exec = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      eventsDesc: p(
        'SELECT id, type, ts, prev, details FROM events WHERE exec = ? AND id < ? ORDER BY id DESC LIMIT ?',
      ),
      putToken: p('INSERT OR REPLACE INTO tokens (token, exec, open) VALUES (?, ?, ?)'),
      getToken: p('SELECT exec, open FROM tokens WHERE token = ?'),
      putRedrive: p(
        `INSERT INTO redrives (seq, point, count, date) VALUES (?, ?, ?, ?)
         ON CONFLICT (seq) DO UPDATE SET point = excluded.point, count = excluded.count, date = excluded.date`,
      ),
      getRedrivePoint: p('SELECT point FROM redrives WHERE seq = ?'),
      reopenExec: p(
        `UPDATE executions SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, stop = NULL
         WHERE seq = ?`,
      ),
      putVersion: p(
        `INSERT INTO versions (sm_arn, version, definition, role_arn, revision, description, created)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      bumpVersion: p(
        `INSERT INTO version_counters (sm_arn, last) VALUES (?, 1)
         ON CONFLICT (sm_arn) DO UPDATE SET last = last + 1 RETURNING last`,
      ),
      getVersion: p('SELECT * FROM versions WHERE sm_arn = ? AND version = ?'),
      versionOfRevision: p(
        'SELECT * FROM versions WHERE sm_arn = ? AND revision = ? ORDER BY version DESC LIMIT 1',
      ),
      listVersions: p(
        'SELECT * FROM versions WHERE sm_arn = ? AND version < ? ORDER BY version DESC LIMIT ?',
      ),
      countVersions: p('SELECT count(*) AS n FROM versions WHERE sm_arn = ?'),
      deleteVersion: p('DELETE FROM versions WHERE sm_arn = ? AND version = ?'),
      putAlias: p(
        `INSERT OR REPLACE INTO aliases (arn, sm_arn, name, description, routing, created, updated)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      getAlias: p('SELECT * FROM aliases WHERE arn = ?'),
      listAliases: p('SELECT * FROM aliases WHERE sm_arn = ? AND arn > ? ORDER BY arn LIMIT ?'),
      allAliases: p('SELECT * FROM aliases WHERE sm_arn = ?'),
      deleteAlias: p('DELETE FROM aliases WHERE arn = ?'),
      deleteMachineVersions: p('DELETE FROM versions WHERE sm_arn = ?'),
      deleteMachineCounter: p('DELETE FROM version_counters WHERE sm_arn = ?'),
      deleteMachineAliases: p('DELETE FROM aliases WHERE sm_arn = ?'),
      putOrigin: p('INSERT OR REPLACE INTO execution_origins (seq, version_arn, alias_arn) VALUES (?, ?, ?)'),
      listExecsFiltered: p(
        `${SELECT_EXEC} WHERE e.sm_arn = $sm AND e.seq < $before
           AND ($qualified IS NULL OR o.version_arn = $qualified OR o.alias_arn = $qualified)
           AND ($status IS NULL OR e.status = $status)
           AND ($redriven IS NULL OR (coalesce(r.count, 0) > 0) = $redriven)
         ORDER BY e.seq DESC LIMIT $limit`,
      ),
      putMapRun: p('INSERT OR REPLACE INTO map_runs (arn, exec_arn, record) VALUES (?, ?, ?)'),
      getMapRun: p('SELECT record FROM map_runs WHERE arn = ?'),
      listMapRuns: p('SELECT record FROM map_runs WHERE exec_arn = ? AND arn > ? ORDER BY arn LIMIT ?'),
      putActivity: p('INSERT OR IGNORE INTO activities (arn, name, created) VALUES (?, ?, ?)'),
      getActivity: p('SELECT arn, name, created FROM activities WHERE arn = ?'),
      listActivities: p('SELECT arn, name, created FROM activities WHERE arn > ? ORDER BY arn LIMIT ?'),
      deleteActivity: p('DELETE FROM activities WHERE arn = ?'),
      putTag: p('INSERT OR REPLACE INTO tags (arn, key, value) VALUES (?, ?, ?)'),
      deleteTag: p('DELETE FROM tags WHERE arn = ? AND key = ?'),
      deleteTags: p('DELETE FROM tags WHERE arn = ?'),
      listTags: p('SELECT key, value FROM tags WHERE arn = ? ORDER BY key'),
    };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /** Writes a state machine, with the tags it is created with. */
  putStateMachine(m: StateMachineRow, tags: ReadonlyArray<{ key: string; value: string }> = []): void {
    this.transaction(() => {
      this.s.putMachine!.run(
        m.arn,
        m.name,
        m.definition,
        m.roleArn,
        m.type,
        m.created,
        m.updated,
        m.revision,
      );
      for (const t of tags) this.s.putTag!.run(m.arn, t.key, t.value);
    });
  }

  private transaction(fn: () => void): void {
    this.db.exec('BEGIN');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  getStateMachine(arn: string): StateMachineRow | undefined {
    const r = this.s.getMachine!.get(arn) as Record<string, unknown> | undefined;
    return r && machineRow(r);
  }

  /** Deletes a state machine with its tags, versions and aliases. */
  deleteStateMachine(arn: string): void {
    this.transaction(() => {
      this.s.deleteMachine!.run(arn);
      this.s.deleteTags!.run(arn);
      this.s.deleteMachineVersions!.run(arn);
      this.s.deleteMachineCounter!.run(arn);
      this.s.deleteMachineAliases!.run(arn);
    });
  }

  /** Publishes a version with the next number of its machine. */
  addVersion(v: Omit<VersionRow, 'version'>): VersionRow {
    let row: VersionRow | undefined;
    this.transaction(() => {
      const { last } = this.s.bumpVersion!.get(v.smArn) as { last: number };
      row = { ...v, version: Number(last) };
      this.s.putVersion!.run(
        v.smArn,
        row.version,
        v.definition,
        v.roleArn,
        v.revision,
        v.description,
        v.created,
      );
    });
    return row!;
  }

  version(smArn: string, version: number): VersionRow | undefined {
    const r = this.s.getVersion!.get(smArn, version) as Record<string, unknown> | undefined;
    return r && versionRow(r);
  }

  versionOfRevision(smArn: string, revision: string): VersionRow | undefined {
    const r = this.s.versionOfRevision!.get(smArn, revision) as Record<string, unknown> | undefined;
    return r && versionRow(r);
  }

  versions(smArn: string, below: number, limit: number): VersionRow[] {
    return (this.s.listVersions!.all(smArn, below, limit) as Array<Record<string, unknown>>).map(versionRow);
  }

  versionCount(smArn: string): number {
    return Number((this.s.countVersions!.get(smArn) as { n: number }).n);
  }

  deleteVersion(smArn: string, version: number): void {
    this.s.deleteVersion!.run(smArn, version);
  }

  putAlias(a: AliasRow): void {
    this.s.putAlias!.run(
      a.arn,
      a.smArn,
      a.name,
      a.description,
      JSON.stringify(a.routing),
      a.created,
      a.updated,
    );
  }

  alias(arn: string): AliasRow | undefined {
    const r = this.s.getAlias!.get(arn) as Record<string, unknown> | undefined;
    return r && aliasRow(r);
  }

  aliases(smArn: string, after = '', limit = 1000): AliasRow[] {
    return (this.s.listAliases!.all(smArn, after, limit) as Array<Record<string, unknown>>).map(aliasRow);
  }

  deleteAlias(arn: string): void {
    this.s.deleteAlias!.run(arn);
  }

  /** Adds or overwrites tags of a resource, and removes `remove`, in one transaction. */
  changeTags(
    arn: string,
    put: ReadonlyArray<{ key: string; value: string }>,
    remove: readonly string[] = [],
  ): void {
    this.transaction(() => {
      for (const t of put) this.s.putTag!.run(arn, t.key, t.value);
      for (const key of remove) this.s.deleteTag!.run(arn, key);
    });
  }

  tags(arn: string): Array<{ key: string; value: string }> {
    return (this.s.listTags!.all(arn) as Array<{ key: string; value: string }>).map((t) => ({
      key: t.key,
      value: t.value,
    }));
  }

  mapRun(arn: string): MapRunRow | undefined {
    const r = this.s.getMapRun!.get(arn) as { record: string } | undefined;
    return r && (JSON.parse(r.record) as MapRunRow);
  }

  mapRuns(executionArn: string, after: string, limit: number): MapRunRow[] {
    const rows = this.s.listMapRuns!.all(executionArn, after, limit) as Array<{ record: string }>;
    return rows.map((r) => JSON.parse(r.record) as MapRunRow);
  }

  /** Creates an activity with its tags; an existing one is left as it is. */
  putActivity(a: ActivityRow, tags: ReadonlyArray<{ key: string; value: string }> = []): void {
    this.transaction(() => {
      this.s.putActivity!.run(a.arn, a.name, a.created);
      for (const t of tags) this.s.putTag!.run(a.arn, t.key, t.value);
    });
  }

  activity(arn: string): ActivityRow | undefined {
    const r = this.s.getActivity!.get(arn) as ActivityRow | undefined;
    return r && { arn: r.arn, name: r.name, created: Number(r.created) };
  }

  activities(after: string, limit: number): ActivityRow[] {
    return (this.s.listActivities!.all(after, limit) as unknown as ActivityRow[]).map((r) => ({
      arn: r.arn,
      name: r.name,
      created: Number(r.created),
    }));
  }

  /** Deletes an activity with its tags. */
  deleteActivity(arn: string): void {
    this.transaction(() => {
      this.s.deleteActivity!.run(arn);
      this.s.deleteTags!.run(arn);
    });
  }

  listStateMachines(after: string, limit: number): StateMachineRow[] {
    return (this.s.listMachines!.all(after, limit) as Array<Record<string, unknown>>).map(machineRow);
  }

  maxExecutionSeq(): number {
    return Number((this.s.maxSeq!.get() as { seq: number }).seq);
  }

  getExecution(arn: string): ExecutionRow | undefined {
    const r = this.s.getExec!.get(arn) as Record<string, unknown> | undefined;
    return r && executionRow(r);
  }

  runningExecutions(): ExecutionRow[] {
    return (this.s.running!.all() as Array<Record<string, unknown>>).map(executionRow);
  }

  listExecutions(
    smArn: string,
    status: string | undefined,
    beforeSeq: number,
    limit: number,
    redriven?: boolean,
    /** Only the executions started through this version or alias ARN. */
    qualified?: string,
  ): ExecutionRow[] {
    const rows =
      redriven !== undefined || qualified !== undefined
        ? this.s.listExecsFiltered!.all({
            sm: smArn,
            before: beforeSeq,
            qualified: qualified ?? null,
            status: status ?? null,
            redriven: redriven === undefined ? null : redriven ? 1 : 0,
            limit,
          })
        : status
          ? this.s.listExecsByStatus!.all(smArn, status, beforeSeq, limit)
          : this.s.listExecs!.all(smArn, beforeSeq, limit);
    return (rows as Array<Record<string, unknown>>).map(executionRow);
  }

  events(exec: number, reverse: boolean, from: number, limit: number): EventRow[] {
    const rows = reverse
      ? this.s.eventsDesc!.all(exec, from, limit)
      : this.s.eventsAsc!.all(exec, from, limit);
    return rows as unknown as EventRow[];
  }

  /** Where a redrive of this stopped execution continues, as JSON (see ExecutionRow.redrivePoint). */
  redrivePoint(seq: number): string | undefined {
    const r = this.s.getRedrivePoint!.get(seq) as { point: string | null } | undefined;
    return r?.point ?? undefined;
  }

  token(token: string): { exec: number; open: boolean } | undefined {
    const r = this.s.getToken!.get(token) as { exec: number; open: number } | undefined;
    return r && { exec: Number(r.exec), open: r.open === 1 };
  }

  /** Writes a batch atomically: history events and the execution positions they lead to land together. */
  commit(batch: Batch): void {
    this.db.exec('BEGIN');
    try {
      for (const e of batch.inserts) {
        const hash = definitionHash(e.definition);
        this.s.putDefinition!.run(hash, e.definition);
        this.s.insertExec!.run(
          e.seq,
          e.arn,
          e.smArn,
          e.name,
          e.status,
          e.input,
          e.output,
          e.error,
          e.cause,
          e.start,
          e.stop,
          hash,
          e.roleArn,
          e.smUpdated,
          e.testCase,
          e.nextEvent,
        );
        if (e.state !== null) this.s.putPosition!.run(e.seq, e.state, e.nextEvent);
        if (e.versionArn || e.aliasArn)
          this.s.putOrigin!.run(e.seq, e.versionArn ?? null, e.aliasArn ?? null);
      }
      for (const e of batch.positions) this.s.putPosition!.run(e.seq, e.state, e.nextEvent);
      for (const e of batch.reopens ?? []) {
        this.s.reopenExec!.run(e.seq);
        this.s.putRedrive!.run(e.seq, null, e.redriveCount, e.redriveDate);
      }
      for (const e of batch.finishes) {
        this.s.finishExec!.run(e.status, e.output, e.error, e.cause, e.stop, e.nextEvent, e.seq);
        this.s.dropPosition!.run(e.seq);
        if (e.redrivePoint !== undefined || e.redriveCount > 0) {
          this.s.putRedrive!.run(e.seq, e.redrivePoint ?? null, e.redriveCount, e.redriveDate);
        }
      }
      // Events go in by 32 rows a statement: the per-statement cost of node:sqlite dominates single-row inserts.
      const events = batch.events;
      let i = 0;
      const values: Array<string | number | null> = [];
      for (; i + EVENT_CHUNK <= events.length; i += EVENT_CHUNK) {
        values.length = 0;
        for (let k = i; k < i + EVENT_CHUNK; k++) {
          const { exec, row } = events[k]!;
          values.push(exec, row.id, row.type, row.ts, row.prev, row.details);
        }
        this.s.insertEvents!.run(...values);
      }
      for (; i < events.length; i++) {
        const { exec, row } = events[i]!;
        this.s.insertEvent!.run(exec, row.id, row.type, row.ts, row.prev, row.details);
      }
      for (const t of batch.tokens) this.s.putToken!.run(t.token, t.exec, t.open ? 1 : 0);
      for (const r of batch.mapRuns ?? []) this.s.putMapRun!.run(r.arn, r.executionArn, JSON.stringify(r));
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

const EVENT_CHUNK = 32;

const SELECT_EXEC = `SELECT e.*, d.text AS definition, r.count AS redrive_count, r.date AS redrive_date,
    o.version_arn AS version_arn, o.alias_arn AS alias_arn
  FROM executions e JOIN definitions d ON d.hash = e.def_hash LEFT JOIN redrives r ON r.seq = e.seq
    LEFT JOIN execution_origins o ON o.seq = e.seq`;

const hashes = new Map<string, string>();

/** Definitions are stored once per text, keyed by their SHA-256. */
function definitionHash(text: string): string {
  let hash = hashes.get(text);
  if (!hash) {
    hash = createHash('sha256').update(text).digest('hex');
    if (hashes.size > 1000) hashes.clear();
    hashes.set(text, hash);
  }
  return hash;
}

function machineRow(r: Record<string, unknown>): StateMachineRow {
  return {
    arn: String(r.arn),
    name: String(r.name),
    definition: String(r.definition),
    roleArn: String(r.role_arn),
    type: String(r.type),
    created: Number(r.created),
    updated: Number(r.updated),
    revision: String(r.revision),
  };
}

function executionRow(r: Record<string, unknown>): ExecutionRow {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    seq: Number(r.seq),
    arn: String(r.arn),
    smArn: String(r.sm_arn),
    name: String(r.name),
    status: String(r.status),
    input: String(r.input),
    output: str(r.output),
    error: str(r.error),
    cause: str(r.cause),
    start: Number(r.start),
    stop: r.stop === null ? null : Number(r.stop),
    definition: String(r.definition),
    roleArn: String(r.role_arn),
    smUpdated: Number(r.sm_updated),
    testCase: str(r.test_case),
    state: str(r.state),
    nextEvent: Number(r.position_next ?? r.next_event),
    redriveCount: Number(r.redrive_count ?? 0),
    redriveDate: r.redrive_date === null || r.redrive_date === undefined ? null : Number(r.redrive_date),
    versionArn: str(r.version_arn),
    aliasArn: str(r.alias_arn),
  };
}

function versionRow(r: Record<string, unknown>): VersionRow {
  return {
    smArn: String(r.sm_arn),
    version: Number(r.version),
    definition: String(r.definition),
    roleArn: String(r.role_arn),
    revision: String(r.revision),
    description: r.description === null ? null : String(r.description),
    created: Number(r.created),
  };
}

function aliasRow(r: Record<string, unknown>): AliasRow {
  return {
    arn: String(r.arn),
    smArn: String(r.sm_arn),
    name: String(r.name),
    description: r.description === null ? null : String(r.description),
    routing: JSON.parse(String(r.routing)),
    created: Number(r.created),
    updated: Number(r.updated),
  };
}
