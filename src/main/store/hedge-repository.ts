// Hedge runs and the hedge log in SQLite. A stored run that no longer parses is skipped with a
// warning by the caller, never half-read.
import { HedgeExecution, HedgeResult, type HedgeLogEntry, type HedgeRun, type HedgeRunStatus } from '../../shared/hedge.js';
import type { Db } from './database.js';

interface RunRow {
  id: string;
  ts: number;
  status: string;
  result: string;
  execution: string | null;
  note: string | null;
}

export class HedgeRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insertRun: db.prepare('INSERT INTO hedge_runs (id, ts, trigger, status, result, execution, note) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      updateRun: db.prepare('UPDATE hedge_runs SET status = ?, execution = ?, note = ? WHERE id = ?'),
      refreshRun: db.prepare('UPDATE hedge_runs SET ts = ?, result = ? WHERE id = ?'),
      getRun: db.prepare<[string], RunRow>('SELECT id, ts, status, result, execution, note FROM hedge_runs WHERE id = ?'),
      latestRun: db.prepare<[], RunRow>('SELECT id, ts, status, result, execution, note FROM hedge_runs ORDER BY ts DESC, rowid DESC LIMIT 1'),
      runsSince: db.prepare<[number], RunRow>('SELECT id, ts, status, result, execution, note FROM hedge_runs WHERE ts >= ? ORDER BY ts'),
      byStatus: db.prepare<[string], RunRow>('SELECT id, ts, status, result, execution, note FROM hedge_runs WHERE status = ? ORDER BY ts'),
      insertLog: db.prepare('INSERT INTO hedge_log (ts, actor, action, run_id, underlying, message) VALUES (?, ?, ?, ?, ?, ?)'),
      recentLog: db.prepare<[number], { ts: number; actor: string; action: string; runId: string | null; underlying: string | null; message: string }>(
        'SELECT ts, actor, action, run_id AS runId, underlying, message FROM hedge_log ORDER BY id DESC LIMIT ?',
      ),
    };
  }

  insertRun(run: HedgeRun): void {
    this.stmts.insertRun.run(run.id, run.ts, run.result.trigger, run.status, JSON.stringify(run.result), run.execution ? JSON.stringify(run.execution) : null, run.note);
  }

  updateRun(run: HedgeRun): void {
    this.stmts.updateRun.run(run.status, run.execution ? JSON.stringify(run.execution) : null, run.note, run.id);
  }

  /** A proposal re-planned for the same breaches keeps its id: its result and time are replaced. */
  refreshRun(run: HedgeRun): void {
    this.stmts.refreshRun.run(run.ts, JSON.stringify(run.result), run.id);
  }

  getRun(id: string): HedgeRun | undefined {
    const row = this.stmts.getRun.get(id);
    return row && toRun(row);
  }

  latestRun(): HedgeRun | undefined {
    const row = this.stmts.latestRun.get();
    return row && toRun(row);
  }

  runsSince(ts: number): HedgeRun[] {
    return this.stmts.runsSince.all(ts).map(toRun);
  }

  runsWithStatus(status: HedgeRunStatus): HedgeRun[] {
    return this.stmts.byStatus.all(status).map(toRun);
  }

  log(entry: HedgeLogEntry): void {
    this.stmts.insertLog.run(entry.ts, entry.actor, entry.action, entry.runId, entry.underlying, entry.message);
  }

  recentLog(limit: number): HedgeLogEntry[] {
    return this.stmts.recentLog.all(limit);
  }
}

function toRun(row: RunRow): HedgeRun {
  return {
    id: row.id,
    ts: row.ts,
    status: row.status as HedgeRunStatus,
    result: HedgeResult.parse(JSON.parse(row.result)),
    execution: row.execution ? HedgeExecution.parse(JSON.parse(row.execution)) : null,
    note: row.note,
  };
}
