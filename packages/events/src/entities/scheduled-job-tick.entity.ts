import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ScheduledJobTickState = 'running' | 'done' | 'failed' | 'caught_up';

/**
 * One tick of a periodic job (service-kit's IntervalWorker with a data source): the tick's key is the
 * job's name and the number of its interval since the epoch, by the database's clock. The replica that
 * holds the job's lease claims the row, runs the pass and marks it done; a replica finding it done
 * skips, one finding it running or failed (its runner gone: the lease was free) runs it again.
 */
@Entity({ name: 'scheduled_job_tick' })
@Check('scheduled_job_tick_state_check', `"state" IN ('running', 'done', 'failed', 'caught_up')`)
@Index('scheduled_job_tick_started_idx', ['startedAt'])
export class ScheduledJobTick {
  @PrimaryColumn({ type: 'text', name: 'job', primaryKeyConstraintName: 'scheduled_job_tick_pkey' })
  job!: string;

  /** floor(epoch milliseconds / interval): the same number on every replica during one interval. */
  @PrimaryColumn({ type: 'bigint', name: 'tick', primaryKeyConstraintName: 'scheduled_job_tick_pkey' })
  tick!: string;

  /** `caught_up`: its pass never finished, and a later tick's pass did the work (the jobs are sweeps). */
  @Column({ type: 'text', name: 'state' })
  state!: ScheduledJobTickState;

  /** Passes started for this tick: more than 1 only after a runner died or a pass failed. */
  @Column({ type: 'integer', name: 'attempts', default: 1 })
  attempts!: number;

  /** The process that ran the latest attempt (host, pid). */
  @Column({ type: 'text', name: 'runner' })
  runner!: string;

  @Column({ type: 'timestamptz', name: 'started_at', default: () => 'now()' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', name: 'error', nullable: true })
  error!: string | null;

  /** What the pass reported (counts), for operators. */
  @Column({ type: 'jsonb', name: 'result', nullable: true })
  result!: unknown;
}
