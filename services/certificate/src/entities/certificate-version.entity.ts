import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Every issued document of a certificate: version 1 at issuance, one more per holder-name correction. */
@Entity({ name: 'certificate_version' })
export class CertificateVersionEntity {
  @PrimaryColumn({ type: 'uuid', name: 'certificate_id', primaryKeyConstraintName: 'PK_certificate_version' })
  certificateId!: string;

  @PrimaryColumn({ type: 'integer', name: 'version', primaryKeyConstraintName: 'PK_certificate_version' })
  version!: number;

  @Column({ type: 'text', name: 'holder_name' })
  holderName!: string;

  @Column({ type: 'timestamp with time zone', name: 'issued_at' })
  issuedAt!: Date;

  /** The signed Open Badges 3.0 credential (compact JWS, vc+jwt). */
  @Column({ type: 'text', name: 'credential_jwt' })
  credentialJwt!: string;

  /** Why this version was issued (null for the first). */
  @Column({ type: 'text', name: 'reason', nullable: true })
  reason!: string | null;

  /** Subject of the staff member who corrected the name (null for the first). */
  @Column({ type: 'text', name: 'issued_by', nullable: true })
  issuedBy!: string | null;
}
