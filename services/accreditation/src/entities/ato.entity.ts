import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CourseDeliveryMode } from '../domain/course-rules';
import type {
  CertificateDeliveryFormat,
  CertificateRecipient,
  PostalAddress,
} from '../domain/delivery-preference';
import type { AtoStatus } from '@iso20000/scheme';
import type { ExamCode } from '@iso20000/scheme';
import { OrganizationColumns } from './organization-columns';

/** An Accredited Training Organization, from its application onwards. */
@Entity({ name: 'ato' })
// Lists and find-a-provider: equality on status, then keyset order by name.
@Index('ix_ato_status_name', ['status', 'name', 'id'])
@Index('ix_ato_country_status', ['country', 'status'])
// Name search (ILIKE '%...%'): trigram GIN index created by the migration; TypeORM cannot describe it.
@Index('ix_ato_name_trgm', { synchronize: false })
export class AtoEntity extends OrganizationColumns<AtoStatus> {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_ato' })
  id!: string;

  @Column({ type: 'text', name: 'exam_levels', array: true })
  examLevels!: ExamCode[];

  @Column({ type: 'text', name: 'languages', array: true })
  languages!: string[];

  @Column({ type: 'text', name: 'delivery_modes', array: true })
  deliveryModes!: CourseDeliveryMode[];

  @Column({ type: 'text', name: 'delivery_format', default: 'ELECTRONIC_ONLY' })
  deliveryFormat!: CertificateDeliveryFormat;

  @Column({ type: 'text', name: 'delivery_recipient', default: 'CANDIDATE' })
  deliveryRecipient!: CertificateRecipient;

  @Column({ type: 'jsonb', name: 'delivery_address', nullable: true })
  deliveryAddress!: PostalAddress | null;

  @Column({ type: 'boolean', name: 'logo_licensed', default: false })
  logoLicensed!: boolean;

  @Column({ type: 'date', name: 'logo_valid_from', nullable: true })
  logoValidFrom!: string | null;

  @Column({ type: 'date', name: 'logo_valid_until', nullable: true })
  logoValidUntil!: string | null;
}
