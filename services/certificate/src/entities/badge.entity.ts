import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** A claimed digital badge: its id is the public badge page's address. One per certificate. */
@Entity({ name: 'badge' })
@Unique('UQ_badge_certificate', ['certificateId'])
export class BadgeEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_badge' })
  id!: string;

  @Column({ type: 'uuid', name: 'certificate_id' })
  certificateId!: string;

  @Column({ type: 'timestamp with time zone', name: 'claimed_at' })
  claimedAt!: Date;
}
