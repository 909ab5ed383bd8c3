import type { DataSource } from 'typeorm';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { RcbEntity } from '../entities/rcb.entity';

/** Every certification carrying one certificate number (each RCB's own), oldest registration first. */
export interface CertificateNumberMatches {
  certificateNumber: string;
  matches: OrganizationCertificationEntity[];
}

/** The most certifications one number can show: one per RCB, and the scheme has far fewer RCBs. */
const MAX_MATCHES = 100;

/**
 * The certifications that carry this number, with their organization and RCB, in one SQL statement
 * (verification is the hottest public path). Each carries how many other RCBs use the number, so an
 * answer for one RCB still says that the number is not unique.
 */
export async function certificationsNumbered(
  dataSource: DataSource,
  certificateNumber: string,
): Promise<CertificateNumberMatches> {
  const found = await dataSource
    .getRepository(OrganizationCertificationEntity)
    .createQueryBuilder('c')
    .innerJoinAndSelect('c.organization', 'o')
    .leftJoinAndMapOne('c.rcbRecord', RcbEntity, 'r', 'r.id = c.rcb_id')
    // no LIMIT: with joins TypeORM would add a second query; the ordering keeps the oldest first
    .where('c.certificate_number = :certificateNumber', { certificateNumber })
    .orderBy('c.created_at', 'ASC')
    .addOrderBy('c.id', 'ASC')
    .getMany();
  const matches = found.slice(0, MAX_MATCHES);
  for (const match of matches) match.sameNumberAtOtherRcbs = found.length - 1;
  return { certificateNumber, matches };
}
