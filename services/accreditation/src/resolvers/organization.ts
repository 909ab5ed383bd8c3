import { isSchemeStaff, requireSchemeStaff, type Viewer } from '@iso20000/auth';
import { clampPageSize } from '@iso20000/service-kit';
import type DataLoader from 'dataloader';
import type { EntityTarget } from 'typeorm';
import type { ServiceContext } from '../context';
import type { OrganizationColumns, OrganizationStatusChangeColumns } from '../entities/organization-columns';
import type { StatusChangeRequest } from '../operations/organization-status';
import { instantCursor, iso, nameCursor, toConnection } from '../pagination';
import { countryCode, notesText, parseInput, reasonText, uuid } from '../validation';

// What the ATO and RCB resolvers share: both kinds of organization go through the same lifecycle and
// are seen, listed and protected the same way; only the granted status and the "own" viewer differ.

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

export async function findVisibleOrganization<O>(
  context: ServiceContext,
  id: string,
  loader: DataLoader<string, O | null>,
  visible: (viewer: Viewer, organization: O) => boolean,
): Promise<O | null> {
  if (!uuid.safeParse(id).success) return null;
  const organization = await loader.load(id);
  return organization && visible(context.viewer, organization) ? organization : null;
}

/** Granted organizations for everyone, plus their own in whatever status; scheme staff see all. */
export async function listOrganizations<S extends string, O extends Organization<S>>(
  kind: OrganizationKind<S, O>,
  context: ServiceContext,
  filter: OrganizationFilter<S> | null | undefined,
  first: number,
  after: string | null | undefined,
) {
  const cursor = nameCursor(after);
  const { viewer } = context;
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
  if (filter?.country)
    query.andWhere('o.country = :country', {
      country: parseInput(countryCode, filter.country, 'filter.country'),
    });
  if (filter?.search?.trim())
    query.andWhere(`o.name ILIKE :search ESCAPE '\\'`, { search: containsPattern(filter.search.trim()) });
  if (cursor)
    query.andWhere('(o.name, o.id) > (:afterName, :afterId)', { afterName: cursor[0], afterId: cursor[1] });
  const rows = await query
    .orderBy('o.name', 'ASC')
    .addOrderBy('o.id', 'ASC')
    .limit(first + 1)
    .getMany();
  return toConnection(rows, first, (organization) => [organization.name, organization.id]);
}

/** An organization's lifecycle steps, oldest first. */
export async function statusHistoryPage<C extends OrganizationStatusChangeColumns<string> & { id: string }>(
  context: ServiceContext,
  entity: EntityTarget<C>,
  organization: { column: 'ato_id' | 'rcb_id'; id: string },
  first: number | null | undefined,
  after: string | null | undefined,
) {
  const size = clampPageSize(first);
  const cursor = instantCursor(after);
  const query = context.dataSource
    .getRepository(entity)
    .createQueryBuilder('h')
    .where(`h.${organization.column} = :organizationId`, { organizationId: organization.id });
  if (cursor)
    query.andWhere('(h.changed_at, h.id) > (:afterAt, :afterId)', {
      afterAt: cursor[0],
      afterId: cursor[1],
    });
  const rows = await query
    .orderBy('h.changed_at', 'ASC')
    .addOrderBy('h.id', 'ASC')
    .limit(size + 1)
    .getMany();
  return toConnection(rows, size, (change) => [iso(change.changedAt), change.id]);
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

/** The scheme staff's lifecycle mutations, from their GraphQL arguments to a status change request. */
export const lifecycleRequest = {
  beginAssessment: (notes: string | null | undefined): StatusChangeRequest => ({
    action: 'BEGIN_ASSESSMENT',
    notes: notes === null || notes === undefined ? null : parseInput(notesText, notes, 'notes'),
  }),
  decide(grant: boolean, notes: string): StatusChangeRequest {
    const why = parseInput(notesText, notes, 'notes');
    return { action: grant ? 'GRANT' : 'REJECT', reason: why, notes: why };
  },
  suspend: (reason: string, until: string | null | undefined): StatusChangeRequest => ({
    action: 'SUSPEND',
    reason: parseInput(reasonText, reason, 'reason'),
    suspendedUntil: until ?? null,
  }),
  reinstate: (reason: string | null | undefined): StatusChangeRequest => ({
    action: 'REINSTATE',
    reason: reason ? parseInput(reasonText, reason, 'reason') : null,
  }),
  withdraw: (reason: string): StatusChangeRequest => ({
    action: 'WITHDRAW',
    reason: parseInput(reasonText, reason, 'reason'),
  }),
};
