import { entitiesBy } from '@iso20000/service-kit';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Every row of an entity's table as TypeORM's find hydrates it (`found`) and as entitiesBy loads
 * the same rows by `property` (`loaded`), both sorted by id: a test expects them strictly equal.
 */
export async function entitiesBothWays<T extends ObjectLiteral & { id: string }>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  property: keyof T & string = 'id',
): Promise<{ found: T[]; loaded: T[] }> {
  const byId = (rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
  const found = await dataSource.manager.find(target);
  const loaded = await entitiesBy(
    dataSource,
    target,
    property,
    found.map((row) => row[property] as unknown),
  );
  return { found: byId(found), loaded: byId(loaded) };
}
