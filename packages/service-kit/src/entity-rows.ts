import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Entities read by a raw statement and built from TypeORM's own column metadata, for hot paths
 * (the registry's public list, the exam's per-request loaders): a page of 100 organizations loads
 * ~180 certifications with their RCBs, and TypeORM's joined getMany spent 3.8 ms of CPU on them
 * against ~2 ms this way; its findBy builds its SQL again on every call. Dates are read as text
 * (`to_char`): pg made a Date of each and TypeORM a string of it again. Column types whose
 * hydration does more than this are refused when the shape is made, not built wrong.
 */
export interface EntityRows<T> {
  /** The select list: each column as `"<alias>_<propertyName>"`. */
  readonly select: string;
  /** The entity's table, quoted, followed by the alias: for `FROM ${from}`. */
  readonly from: string;
  /** The entity of one result row. */
  build(row: Record<string, unknown>): T;
}

/** Column types that pg hands over as the entity holds them (dates selected as text). */
const AS_READ = new Set([
  'uuid',
  'text',
  'integer',
  'double precision',
  'jsonb',
  'timestamptz',
  'timestamp with time zone',
  'date',
  'boolean',
]);

const shapes = new WeakMap<DataSource, Map<string, EntityRows<unknown>>>();

export function entityRows<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  alias: string,
): EntityRows<T> {
  const metadata = dataSource.getMetadata(target);
  const key = `${metadata.name} ${alias}`;
  let byKey = shapes.get(dataSource);
  if (!byKey) shapes.set(dataSource, (byKey = new Map()));
  const known = byKey.get(key);
  if (known) return known as EntityRows<T>;
  // as TypeORM reads them: not the columns marked `select: false`
  const columns = metadata.columns
    .filter((column) => column.isSelect)
    .map((column) => {
      const type = String(column.type);
      if (!AS_READ.has(type) || column.transformer || column.embeddedMetadata) {
        throw new Error(
          `entityRows: ${metadata.name}.${column.propertyName} (${type}) needs TypeORM's hydration`,
        );
      }
      const qualified = `${alias}."${column.databaseName}"`;
      const read = type === 'date' ? `to_char(${qualified}, 'YYYY-MM-DD')` : qualified;
      return { property: column.propertyName, label: `${alias}_${column.propertyName}`, read };
    });
  const shape: EntityRows<T> = {
    select: columns.map(({ read, label }) => `${read} AS "${label}"`).join(', '),
    from: `"${metadata.tableName}" ${alias}`,
    build(row) {
      const entity = metadata.create() as Record<string, unknown>;
      for (const { property, label } of columns) entity[property] = row[label];
      return entity as T;
    },
  };
  byKey.set(key, shape);
  return shape;
}

/**
 * The entities whose `property` is one of `keys`, in one statement built from the metadata (once
 * per shape, not per call as findBy builds it), in `order` (by properties) or in no particular one.
 */
const statements = new WeakMap<DataSource, Map<string, string>>();

export async function entitiesBy<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  property: keyof T & string,
  keys: readonly unknown[],
  order: ReadonlyArray<readonly [keyof T & string, 'ASC' | 'DESC']> = [],
): Promise<T[]> {
  if (keys.length === 0) return [];
  const rows = entityRows(dataSource, target, 'e');
  const metadata = dataSource.getMetadata(target);
  const key = `${metadata.name} ${property} ${order.map(([name, direction]) => `${name} ${direction}`).join(',')}`;
  let byKey = statements.get(dataSource);
  if (!byKey) statements.set(dataSource, (byKey = new Map()));
  let statement = byKey.get(key);
  if (!statement) {
    const columnOf = (name: string) => {
      const column = metadata.findColumnWithPropertyName(name);
      if (!column) throw new Error(`entitiesBy: ${metadata.name} has no column ${name}`);
      return column;
    };
    const column = columnOf(property);
    // the keys' cast comes from the column's declared type, which must be a SQL type name
    if (!AS_READ.has(String(column.type)))
      throw new Error(`entitiesBy: ${metadata.name}.${property} has no SQL type to cast keys to`);
    const orderBy = order.length
      ? ` ORDER BY ${order.map(([name, direction]) => `e."${columnOf(name).databaseName}" ${direction}`).join(', ')}`
      : '';
    statement = `SELECT ${rows.select} FROM ${rows.from} WHERE e."${column.databaseName}" = ANY($1::${String(column.type)}[])${orderBy}`;
    byKey.set(key, statement);
  }
  const raw = (await dataSource.query(statement, [keys])) as Record<string, unknown>[];
  return raw.map((row) => rows.build(row));
}
