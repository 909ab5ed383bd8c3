import type { EntityManager } from 'typeorm';

/**
 * Rows of a statement with RETURNING, whatever its kind: TypeORM answers an UPDATE or DELETE as
 * [rows, affected count], an INSERT or SELECT as the rows.
 */
export async function returning<T>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const result: unknown = await manager.query(sql, parameters);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return result as T[];
}
