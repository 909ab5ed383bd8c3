import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { keyAfter, toConnection, type Connection, type KeysetColumn, type PageSize } from './connection';
import { clampPageSize, type PageArgs } from './pagination';

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

/** Statements shaped once from the metadata, per data source and shape (findBy builds its SQL per call). */
const statements = new WeakMap<DataSource, Map<string, string>>();

function statementFor(dataSource: DataSource, shape: string, build: () => string): string {
  let byShape = statements.get(dataSource);
  if (!byShape) statements.set(dataSource, (byShape = new Map()));
  let statement = byShape.get(shape);
  if (!statement) byShape.set(shape, (statement = build()));
  return statement;
}

/** A property's column, whose declared type must be a SQL type name when values are cast to it. */
function columnOf(
  who: string,
  metadata: EntityMetadata,
  name: string,
  castTo = false,
): { databaseName: string; type: string } {
  const column = metadata.findColumnWithPropertyName(name);
  if (!column) throw new Error(`${who}: ${metadata.name} has no column ${name}`);
  const type = String(column.type);
  if (castTo && !AS_READ.has(type))
    throw new Error(`${who}: ${metadata.name}.${name} has no SQL type to cast keys to`);
  return { databaseName: column.databaseName, type };
}

/**
 * The entities whose `property` is one of `keys`, in one statement built from the metadata (once
 * per shape, not per call as findBy builds it), in `order` (by properties) or in no particular one.
 */
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
  const shape = `by ${metadata.name} ${property} ${order.map(([name, direction]) => `${name} ${direction}`).join(',')}`;
  const statement = statementFor(dataSource, shape, () => {
    const column = columnOf('entitiesBy', metadata, property, true);
    const orderBy = order.length
      ? ` ORDER BY ${order.map(([name, direction]) => `e."${columnOf('entitiesBy', metadata, name).databaseName}" ${direction}`).join(', ')}`
      : '';
    return `SELECT ${rows.select} FROM ${rows.from} WHERE e."${column.databaseName}" = ANY($1::${column.type}[])${orderBy}`;
  });
  const raw = (await dataSource.query(statement, [keys])) as Record<string, unknown>[];
  return raw.map((row) => rows.build(row));
}

/**
 * The page `paginate` gives for a query builder of `target` filtered by equal properties, as one
 * raw statement shaped once per filter from the entity metadata and built with `entityRows`: for hot
 * lists (a candidate's sittings on the dashboard), where the query builder's SQL, built on every
 * call, and its hydration cost more than the statement. `columns` name the table by `alias`.
 */
export async function pageOfEntities<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  alias: string,
  equal: Partial<Record<keyof T & string, string | number | boolean>>,
  columns: KeysetColumn<T>[],
  args: PageArgs,
  size: PageSize = {},
): Promise<Connection<T>> {
  const first = clampPageSize(args.first, size.max, size.fallback);
  const key = keyAfter(columns, args.after);
  const filter = (Object.keys(equal) as Array<keyof T & string>).filter((name) => equal[name] !== undefined);
  const rows = entityRows(dataSource, target, alias);
  const metadata = dataSource.getMetadata(target);
  const shape = `page ${metadata.name} ${alias} ${filter.join(',')} ${key ? 'after' : 'first'} ${columns.map((c) => c.sql).join(',')}`;
  const statement = statementFor(dataSource, shape, () => {
    const conditions = filter.map((name, i) => {
      const column = columnOf('pageOfEntities', metadata, name, true);
      return `${alias}."${column.databaseName}" = $${i + 1}::${column.type}`;
    });
    if (key) {
      const right = columns.map((c, i) => `$${filter.length + i + 1}::${c.cast}`).join(', ');
      conditions.push(`(${columns.map((c) => c.sql).join(', ')}) > (${right})`);
    }
    const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
    const orderBy = columns.map((c) => `${c.sql} ASC`).join(', ');
    const limit = filter.length + (key ? columns.length : 0) + 1;
    return `SELECT ${rows.select} FROM ${rows.from}${where} ORDER BY ${orderBy} LIMIT $${limit}`;
  });
  const params: unknown[] = [...filter.map((name) => equal[name]), ...(key ?? []), first + 1];
  const raw = (await dataSource.query(statement, params)) as Record<string, unknown>[];
  return toConnection(
    raw.map((row) => rows.build(row)),
    first,
    (row) => columns.map((c) => c.value(row)),
  );
}
