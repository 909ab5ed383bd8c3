import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A daily job's completed day: the job runs its pass once per day, whatever the ticks and replicas. */
@Entity({ name: 'registry_job_day' })
export class RegistryJobDayEntity {
  @PrimaryColumn({ type: 'text', name: 'job', primaryKeyConstraintName: 'pk_registry_job_day' })
  job!: string;

  @PrimaryColumn({ type: 'date', name: 'day', primaryKeyConstraintName: 'pk_registry_job_day' })
  day!: string;

  @Column({ type: 'timestamptz', name: 'completed_at' })
  completedAt!: Date;

  /** What the pass did, e.g. { evaluated, raised, cleared }. */
  @Column({ type: 'jsonb', name: 'result' })
  result!: unknown;
}
