import DataLoader from 'dataloader';
import { entitiesBy, knownIds } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { BadgeEntity } from './entities/badge.entity';
import { CertificateVersionEntity } from './entities/certificate-version.entity';
import { CertificateEntity } from './entities/certificate.entity';
import { HardCopyOrderEntity } from './entities/hard-copy-order.entity';

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((key) => map.get(key) ?? null);
}

function groupedBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) {
    const group = map.get(keyOf(row));
    if (group) group.push(row);
    else map.set(keyOf(row), [row]);
  }
  return keys.map((key) => map.get(key) ?? []);
}

/**
 * Per-request loaders: one SQL statement per batch, never one per parent. Keys are lower-case
 * uuids; a malformed one never reaches SQL and simply finds nothing.
 */
export function createLoaders(dataSource: DataSource) {
  const certificates = (property: 'id' | 'number' | 'sittingId', keys: readonly string[]) =>
    entitiesBy(dataSource, CertificateEntity, property, keys);
  const certificateById = new DataLoader<string, CertificateEntity | null>(async (ids) =>
    byKey(ids, await certificates('id', knownIds(ids)), (c) => c.id),
  );
  const prime = (rows: CertificateEntity[]) => {
    for (const row of rows) certificateById.prime(row.id, row);
    return rows;
  };
  return {
    certificateById,
    certificateByNumber: new DataLoader<string, CertificateEntity | null>(async (numbers) =>
      byKey(numbers, prime(await certificates('number', numbers)), (c) => c.number),
    ),
    certificateBySittingId: new DataLoader<string, CertificateEntity | null>(async (ids) =>
      byKey(ids, prime(await certificates('sittingId', knownIds(ids))), (c) => c.sittingId),
    ),
    /** All of a candidate's certificates, newest first (a handful per candidate: paged in memory). */
    certificatesByCandidateId: new DataLoader<string, CertificateEntity[]>(async (ids) =>
      groupedBy(
        ids,
        prime(
          await entitiesBy(dataSource, CertificateEntity, 'candidateId', knownIds(ids), [
            ['createdAt', 'DESC'],
            ['id', 'DESC'],
          ]),
        ),
        (c) => c.candidateId,
      ),
    ),
    versionsByCertificateId: new DataLoader<string, CertificateVersionEntity[]>(async (ids) =>
      groupedBy(
        ids,
        await entitiesBy(dataSource, CertificateVersionEntity, 'certificateId', knownIds(ids), [
          ['version', 'ASC'],
        ]),
        (v) => v.certificateId,
      ),
    ),
    badgeByCertificateId: new DataLoader<string, BadgeEntity | null>(async (ids) =>
      byKey(
        ids,
        await entitiesBy(dataSource, BadgeEntity, 'certificateId', knownIds(ids)),
        (b) => b.certificateId,
      ),
    ),
    badgeById: new DataLoader<string, BadgeEntity | null>(async (ids) =>
      byKey(ids, await entitiesBy(dataSource, BadgeEntity, 'id', knownIds(ids)), (b) => b.id),
    ),
    /** A certificate's orders, newest first (a few per certificate: paged in memory). */
    hardCopyOrdersByCertificateId: new DataLoader<string, HardCopyOrderEntity[]>(async (ids) =>
      groupedBy(
        ids,
        await entitiesBy(dataSource, HardCopyOrderEntity, 'certificateId', knownIds(ids), [
          ['createdAt', 'DESC'],
          ['id', 'DESC'],
        ]),
        (o) => o.certificateId,
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
