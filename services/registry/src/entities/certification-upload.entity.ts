import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

export type UploadFormat = 'CSV' | 'XLSX';
export type UploadStatus = 'RECEIVING' | 'QUEUED' | 'PROCESSING' | 'DONE' | 'FAILED';

/**
 * An RCB's CSV or XLSX upload: received in chunks (certification_upload_chunk), then processed by
 * the upload worker in batches with the bulk import's semantics, each batch with its per-row results
 * and progress in one transaction (so a worker that dies resumes where the last batch ended).
 */
@Entity({ name: 'certification_upload' })
@Index('ix_certification_upload_rcb', ['rcbId', 'createdAt', 'id'])
@Index('ix_certification_upload_status', ['status', 'submittedAt'])
export class CertificationUploadEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_certification_upload' })
  id!: string;

  @Column({ type: 'uuid', name: 'rcb_id' })
  rcbId!: string;

  /** The credential that started it: the import's writes are recorded as its changes. */
  @Column({ type: 'text', name: 'actor' })
  actor!: string;

  @Column({ type: 'text', name: 'file_name' })
  fileName!: string;

  @Column({ type: 'text', name: 'format' })
  format!: UploadFormat;

  @Column({ type: 'boolean', name: 'dry_run' })
  dryRun!: boolean;

  @Column({ type: 'integer', name: 'size_bytes' })
  sizeBytes!: number;

  /** The file's sha256 as the RCB declared it: checked against what arrived before processing. */
  @Column({ type: 'text', name: 'sha256' })
  sha256!: string;

  @Column({ type: 'integer', name: 'received_bytes' })
  receivedBytes!: number;

  @Column({ type: 'integer', name: 'chunk_count' })
  chunkCount!: number;

  @Column({ type: 'text', name: 'status' })
  status!: UploadStatus;

  /** Data rows read so far (the header row not counted); complete once DONE. */
  @Column({ type: 'integer', name: 'rows_processed' })
  rowsProcessed!: number;

  /** Bytes of the file the reader has consumed: the progress of a file whose row count is unknown until read. */
  @Column({ type: 'integer', name: 'bytes_processed' })
  bytesProcessed!: number;

  @Column({ type: 'integer', name: 'created' })
  created!: number;

  @Column({ type: 'integer', name: 'updated' })
  updated!: number;

  @Column({ type: 'integer', name: 'unchanged' })
  unchanged!: number;

  @Column({ type: 'integer', name: 'rejected' })
  rejected!: number;

  /** Why the whole file failed (unreadable, over the row limit, wrong columns); rows' reasons are results. */
  @Column({ type: 'text', name: 'error', nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'submitted_at', nullable: true })
  submittedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  /** The worker's lease: a PROCESSING upload not touched for a while is taken over by another worker. */
  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}

/** One chunk of an upload's file, as sent (at most 1 MiB). */
@Entity({ name: 'certification_upload_chunk' })
export class CertificationUploadChunkEntity {
  @PrimaryColumn({
    type: 'uuid',
    name: 'upload_id',
    primaryKeyConstraintName: 'pk_certification_upload_chunk',
  })
  uploadId!: string;

  @ManyToOne(() => CertificationUploadEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'upload_id', foreignKeyConstraintName: 'fk_certification_upload_chunk_upload' })
  upload?: CertificationUploadEntity;

  @PrimaryColumn({
    type: 'integer',
    name: 'index',
    primaryKeyConstraintName: 'pk_certification_upload_chunk',
  })
  index!: number;

  @Column({ type: 'bytea', name: 'data' })
  data!: Buffer;

  @Column({ type: 'text', name: 'sha256' })
  sha256!: string;
}

/** One row's result, as upsertCertifications reports a record's. */
@Entity({ name: 'certification_upload_result' })
export class CertificationUploadResultEntity {
  @PrimaryColumn({
    type: 'uuid',
    name: 'upload_id',
    primaryKeyConstraintName: 'pk_certification_upload_result',
  })
  uploadId!: string;

  @ManyToOne(() => CertificationUploadEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'upload_id', foreignKeyConstraintName: 'fk_certification_upload_result_upload' })
  upload?: CertificationUploadEntity;

  /** The row in the file (1 = the first data row under the header). */
  @PrimaryColumn({ type: 'integer', name: 'row', primaryKeyConstraintName: 'pk_certification_upload_result' })
  row!: number;

  @Column({ type: 'text', name: 'certificate_number' })
  certificateNumber!: string;

  @Column({ type: 'text', name: 'outcome' })
  outcome!: 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'REJECTED';

  @Column({ type: 'text', name: 'error_code', nullable: true })
  errorCode!: string | null;

  @Column({ type: 'jsonb', name: 'reasons' })
  reasons!: string[];

  @Column({ type: 'uuid', name: 'certification_id', nullable: true })
  certificationId!: string | null;

  @Column({ type: 'jsonb', name: 'changed_fields' })
  changedFields!: string[];
}
