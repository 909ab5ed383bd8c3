import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What this service knows of an ATO, replicated from accreditation.ato.status-changed events. */
@Entity({ name: 'ato_statuses' })
export class AtoStatusEntity {
  @PrimaryColumn({ type: 'uuid', name: 'ato_id' })
  atoId!: string;

  @Column({ type: 'text', name: 'name' })
  name!: string;

  @Column({ type: 'text', name: 'country' })
  country!: string;

  @Column({ type: 'text', name: 'status' })
  status!: string;

  /** Events may arrive out of order; only a newer change overwrites. */
  @Column({ type: 'timestamptz', name: 'changed_at' })
  changedAt!: Date;
}
