import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The first result of a mutation sent with an idempotency key, per RCB: a retry with the same key
 * gets this result back and changes nothing. Written in the mutation's own transaction; forgotten
 * after IDEMPOTENCY_RETENTION_DAYS (the scheduler), far longer than any client retries.
 */
@Entity({ name: 'idempotency_record' })
@Index('ix_idempotency_record_created', ['createdAt'])
export class IdempotencyRecordEntity {
  @PrimaryColumn({ type: 'uuid', name: 'rcb_id', primaryKeyConstraintName: 'pk_idempotency_record' })
  rcbId!: string;

  @PrimaryColumn({ type: 'text', name: 'key', primaryKeyConstraintName: 'pk_idempotency_record' })
  key!: string;

  @Column({ type: 'text', name: 'operation' })
  operation!: string;

  /** sha256 of the operation's arguments: the same key with other arguments is refused. */
  @Column({ type: 'text', name: 'request_hash' })
  requestHash!: string;

  @Column({ type: 'jsonb', name: 'response' })
  response!: unknown;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
