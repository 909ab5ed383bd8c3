import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { FlagRule } from '../domain/certification-flags';
import { OrganizationCertificationEntity } from './organization-certification.entity';

/**
 * A flag the rule engine raised on a certification, kept so that a worklist pages by urgency in SQL,
 * each flag is published once, and a cleared one says when. One row per (certification, rule, limit):
 * a flag raised again for the same limit reopens its row.
 */
@Entity({ name: 'certification_flag' })
@Unique('uq_certification_flag', ['certificationId', 'rule', 'dueOn'])
@Index('ix_certification_flag_worklist', ['rcbId', 'dueOn', 'certificationId', 'rule'], {
  where: '"cleared_on" IS NULL',
})
@Index('ix_certification_flag_open', ['certificationId'], { where: '"cleared_on" IS NULL' })
export class CertificationFlagEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_certification_flag' })
  id!: string;

  @Column({ type: 'uuid', name: 'certification_id' })
  certificationId!: string;

  @ManyToOne(() => OrganizationCertificationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'certification_id', foreignKeyConstraintName: 'fk_certification_flag_certification' })
  certification?: OrganizationCertificationEntity;

  /** The RCB holding the certification (follows a transfer): whose worklist shows it. */
  @Column({ type: 'uuid', name: 'rcb_id' })
  rcbId!: string;

  @Column({ type: 'text', name: 'rule' })
  rule!: FlagRule;

  @Column({ type: 'date', name: 'due_on' })
  dueOn!: string;

  @Column({ type: 'text', name: 'explanation' })
  explanation!: string;

  @Column({ type: 'text', name: 'cleared_by' })
  clearedBy!: string;

  @Column({ type: 'date', name: 'raised_on' })
  raisedOn!: string;

  /** The date the rules last found it: the as-of date the worklist shows. */
  @Column({ type: 'date', name: 'evaluated_on' })
  evaluatedOn!: string;

  /** Set when the rules no longer find it (a change cleared it, or time moved past it). */
  @Column({ type: 'date', name: 'cleared_on', nullable: true })
  clearedOn!: string | null;
}
