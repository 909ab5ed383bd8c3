import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A change counter of the rollups, for caches of statistics results: every record / remove adds 1
 * to one slot inside the releasing transaction, so the sum of all slots changes exactly when a
 * committed transaction changed the rollups, in whichever process. Several slots (one per database
 * connection, by backend pid) so concurrent release transactions do not queue on one row lock.
 */
@Entity({ name: 'statistics_rollup_version' })
export class RollupVersionEntity {
  @PrimaryColumn({ type: 'smallint', name: 'slot' })
  slot!: number;

  @Column({ type: 'bigint', name: 'version' })
  version!: string;
}
