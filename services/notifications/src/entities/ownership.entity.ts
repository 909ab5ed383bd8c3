import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which ATO a sitting was with, from its release: a voided sitting's event may not say. */
@Entity({ name: 'sitting_owner' })
export class SittingOwnerEntity {
  @PrimaryColumn({ type: 'uuid', name: 'sitting_id', primaryKeyConstraintName: 'PK_sitting_owner' })
  sittingId!: string;

  @Column({ type: 'uuid', name: 'ato_id', nullable: true })
  atoId!: string | null;
}

/** Which ATO a certificate was earned through, from its issue: a revocation's event may not say. */
@Entity({ name: 'certificate_owner' })
export class CertificateOwnerEntity {
  @PrimaryColumn({ type: 'uuid', name: 'certificate_id', primaryKeyConstraintName: 'PK_certificate_owner' })
  certificateId!: string;

  @Column({ type: 'uuid', name: 'ato_id', nullable: true })
  atoId!: string | null;
}

/** Which RCB holds a registry certification (the newest version heard), so a transfer reaches the RCB it left. */
@Entity({ name: 'certification_holder' })
export class CertificationHolderEntity {
  @PrimaryColumn({
    type: 'uuid',
    name: 'certification_id',
    primaryKeyConstraintName: 'PK_certification_holder',
  })
  certificationId!: string;

  @Column({ type: 'uuid', name: 'rcb_id' })
  rcbId!: string;

  @Column({ type: 'integer', name: 'version' })
  version!: number;
}
