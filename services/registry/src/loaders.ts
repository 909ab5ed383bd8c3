import { entitiesBy, entityRows, knownIds } from '@iso20000/service-kit';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { CertificationTransferEntity } from './entities/certification-transfer.entity';
import { CertifiedOrganizationEntity } from './entities/certified-organization.entity';
import { OrganizationCertificationEntity } from './entities/organization-certification.entity';
import { RcbEntity } from './entities/rcb.entity';

/** Per-request loaders: one SQL statement per batch, never one per row. */
export interface RegistryLoaders {
  organizationById: DataLoader<string, CertifiedOrganizationEntity | null>;
  certificationById: DataLoader<string, OrganizationCertificationEntity | null>;
  certificationsByOrganizationId: DataLoader<string, OrganizationCertificationEntity[]>;
  rcbById: DataLoader<string, RcbEntity | null>;
  /** The open (PENDING or OBJECTED) transfer of each certification. */
  openTransferByCertificationId: DataLoader<string, CertificationTransferEntity | null>;
}

/** Ids from clients may be anything: a malformed one names nothing and resolves to null. */
function byId<T extends { id: string }>(rows: T[], ids: readonly string[]): (T | null)[] {
  const map = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => map.get(id.toLowerCase()) ?? null);
}

export function createLoaders(dataSource: DataSource): RegistryLoaders {
  const rcbById: RegistryLoaders['rcbById'] = new DataLoader(async (ids) =>
    byId(await entitiesBy(dataSource, RcbEntity, 'id', knownIds(ids)), ids),
  );
  return {
    organizationById: new DataLoader(async (ids) =>
      byId(await entitiesBy(dataSource, CertifiedOrganizationEntity, 'id', knownIds(ids)), ids),
    ),
    certificationById: new DataLoader(async (ids) =>
      byId(await entitiesBy(dataSource, OrganizationCertificationEntity, 'id', knownIds(ids)), ids),
    ),
    // The RCBs come in the same statement: the public list always shows the RCB's name.
    certificationsByOrganizationId: new DataLoader(async (ids) => {
      // Built from the entities' metadata without TypeORM's joined hydration: this is the public list's
      // hot path (see entityRows).
      const certifications = entityRows(dataSource, OrganizationCertificationEntity, 'c');
      const rcbs = entityRows(dataSource, RcbEntity, 'r');
      const raw = (await dataSource.query(
        `SELECT ${certifications.select}, ${rcbs.select} FROM ${certifications.from} ` +
          `LEFT JOIN ${rcbs.from} ON r.id = c.rcb_id WHERE c.organization_id = ANY($1) ORDER BY c.cycle_start DESC, c.id ASC`,
        [knownIds(ids)],
      )) as Record<string, unknown>[];
      const groups = new Map<string, OrganizationCertificationEntity[]>();
      for (const columns of raw) {
        const row = certifications.build(columns);
        row.rcbRecord = columns.r_id === null ? null : rcbs.build(columns);
        rcbById.prime(row.rcbId, row.rcbRecord);
        const group = groups.get(row.organizationId);
        if (group) group.push(row);
        else groups.set(row.organizationId, [row]);
      }
      return ids.map((id) => groups.get(id.toLowerCase()) ?? []);
    }),
    rcbById,
    openTransferByCertificationId: new DataLoader(async (ids) => {
      const rows = await dataSource
        .getRepository(CertificationTransferEntity)
        .createQueryBuilder('t')
        .where(`t.certification_id = ANY(:ids) AND t.status IN ('PENDING', 'OBJECTED')`, {
          ids: knownIds(ids),
        })
        .getMany();
      const byCertification = new Map(rows.map((row) => [row.certificationId, row]));
      return ids.map((id) => byCertification.get(id.toLowerCase()) ?? null);
    }),
  };
}
