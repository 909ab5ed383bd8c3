import type { Viewer } from '@iso20000/auth';
import { knownIds, paginate, parseCountryCode, type Connection, type PageArgs } from '@iso20000/service-kit';
import type DataLoader from 'dataloader';
import type { EntityTarget } from 'typeorm';
import { isSchemeStaff, requireSchemeStaff } from '../access';
import type { ServiceContext } from '../context';
import type { OrganizationColumns, OrganizationStatusChangeColumns } from '../entities/organization-columns';
import { byInstant, byName } from '../queries/keyset';
import { parseSearch } from './input';

// What the ATO and RCB resolvers share: both kinds of organization are seen, listed and protected the
// same way; only the granted status and the "own" viewer differ.

type Organization<S extends string> = OrganizationColumns<S> & { id: string };

export interface OrganizationKind<S extends string, O extends Organization<S>> {
  entity: EntityTarget<O>;
  /** ACCREDITED for an ATO, APPOINTED for an RCB: the only status everyone may see. */
  granted: S;
  statuses: readonly S[];
  /** The organization the viewer acts for, when it is of this kind (ATO staff, an RCB's integration). */
  ownId(viewer: Viewer): string | undefined;
}

export interface OrganizationFilter<S extends string> {
  status?: readonly S[] | null;
  country?: string | null;
  search?: string | null;
}

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern. */
export function containsPattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An organization if the viewer may see it; an id that names nothing (malformed included) is null. */
export async function findVisibleOrganization<O>(
  context: ServiceContext,
  id: string,
  loader: DataLoader<string, O | null>,
  visible: (viewer: Viewer, organization: O) => boolean,
): Promise<O | null> {
  const [known] = knownIds([id]);
  if (!known) return null;
  const organization = await loader.load(known);
  return organization && visible(context.viewer, organization) ? organization : null;
}

/** Granted organizations for everyone, plus their own in whatever status; scheme staff see all. */
export async function listOrganizations<S extends string, O extends Organization<S>>(
  kind: OrganizationKind<S, O>,
  context: ServiceContext,
  filter: OrganizationFilter<S> | null | undefined,
  args: PageArgs,
): Promise<Connection<O>> {
  const { viewer } = context;
  const country = filter?.country ? parseCountryCode(filter.country, 'filter.country') : null;
  const search = parseSearch(filter?.search);
  const query = context.dataSource.getRepository(kind.entity).createQueryBuilder('o');
  const statuses: S[] = filter?.status?.length ? [...filter.status] : [...kind.statuses];
  const ownId = kind.ownId(viewer);
  if (isSchemeStaff(viewer)) {
    query.where('o.status IN (:...statuses)', { statuses });
  } else if (ownId) {
    query.where(
      statuses.includes(kind.granted)
        ? '(o.status = :granted OR (o.id = :own AND o.status IN (:...statuses)))'
        : '(o.id = :own AND o.status IN (:...statuses))',
      { granted: kind.granted, own: ownId, statuses },
    );
  } else {
    query.where('o.status = :granted', { granted: statuses.includes(kind.granted) ? kind.granted : '-' });
  }
  if (country) query.andWhere('o.country = :country', { country });
  if (search) query.andWhere(`o.name ILIKE :search ESCAPE '\\'`, { search: containsPattern(search) });
  return paginate(query, byName<O>('o'), args);
}

/** An organization's lifecycle steps, oldest first. */
export function statusHistoryPage<C extends OrganizationStatusChangeColumns<string> & { id: string }>(
  context: ServiceContext,
  entity: EntityTarget<C>,
  organization: { column: 'ato_id' | 'rcb_id'; id: string },
  args: PageArgs,
): Promise<Connection<C>> {
  const query = context.dataSource
    .getRepository(entity)
    .createQueryBuilder('h')
    .where(`h.${organization.column} = :organizationId`, { organizationId: organization.id });
  return paginate(
    query,
    byInstant<C>('h', 'changed_at', 'changedAt', (change) => change.changedAt),
    args,
  );
}

/** The fields only the organization itself and scheme staff may read (assessment notes: staff only). */
export function privateOrganizationFields<O extends Organization<string>>(
  requireOwn: (viewer: Viewer, id: string, what: string) => void,
) {
  const own =
    <T>(what: string, read: (organization: O) => T) =>
    (organization: O, _args: unknown, context: ServiceContext): T => {
      requireOwn(context.viewer, organization.id, what);
      return read(organization);
    };
  return {
    companyDetails: own('company details', (o) => o.companyDetails),
    contacts: own('contacts', (o) => o.contacts),
    statusReason: own('status reason', (o) => o.statusReason),
    suspendedUntil: own('suspension', (o) => o.suspendedUntil),
    appliedAt: own('application', (o) => o.appliedAt),
    assessmentNotes(organization: O, _args: unknown, context: ServiceContext): string | null {
      requireSchemeStaff(context.viewer);
      return organization.assessmentNotes;
    },
  };
}
