import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { PostalAddress } from '../domain/certification-lifecycle';

/**
 * An organization certified against ISO/IEC 20000-1. Listed publicly only when it consents.
 * The trigram (GiST, gist_trgm_ops) index on search_folded is created by the migration; TypeORM cannot
 * express an operator class, so it is declared here unsynchronized.
 */
@Entity({ name: 'certified_organization' })
@Index('ix_certified_organization_search_trgm', { synchronize: false })
@Index('ix_certified_organization_listing_name', ['publicListing', 'sortName', 'id'])
@Index('ix_certified_organization_country', ['country', 'sortName', 'id'])
export class CertifiedOrganizationEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_certified_organization' })
  id!: string;

  @Column({ type: 'text', name: 'legal_name' })
  legalName!: string;

  @Column({ type: 'jsonb', name: 'other_names' })
  otherNames!: string[];

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'text', name: 'country' })
  country!: string;

  @Column({ type: 'jsonb', name: 'address' })
  address!: PostalAddress;

  @Column({ type: 'boolean', name: 'public_listing' })
  publicListing!: boolean;

  /** The legal name and other names, one text to search (kept by the code that writes the names). */
  @Column({ type: 'text', name: 'search_text' })
  searchText!: string;

  /**
   * search_text folded by PostgreSQL (registry_fold: lower + unaccent), set by a trigger so the
   * folding has one definition; the trigram index is on this column. The code never writes it.
   */
  @Column({ type: 'text', name: 'search_folded', insert: false, update: false, select: false })
  searchFolded?: string;

  /** The legal name folded (lower case, no accents): the public list's order. */
  @Column({ type: 'text', name: 'sort_name' })
  sortName!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
