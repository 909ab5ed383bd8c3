import { randomUUID } from 'node:crypto';
import { requireSchemeStaff } from '@iso20000/auth';
import { clampPageSize } from '@iso20000/service-kit';
import { canSeeRcb, canSeeReferencedRcb, requireOwnRcb } from '../access';
import type { ServiceContext } from '../context';
import { RCB_STATUSES, type RcbStatus } from '../domain/organization-lifecycle';
import { RcbStatusChangeEntity } from '../entities/rcb-status-change.entity';
import { RcbEntity } from '../entities/rcb.entity';
import type { RcbFilter, Resolvers } from '../generated/graphql';
import { changeRcbStatus, recordRcbStatusChange } from '../operations/organization-status';
import { instantCursor, iso, nameCursor, toConnection } from '../pagination';
import { countryCode, notesText, parseInput, rcbApplicationInput, reasonText, uuid } from '../validation';
import { containsPattern } from './ato.resolvers';

async function findVisibleRcb(
  context: ServiceContext,
  id: string,
  visible = canSeeRcb,
): Promise<RcbEntity | null> {
  if (!uuid.safeParse(id).success) return null;
  const rcb = await context.loaders.rcbById.load(id);
  return rcb && visible(context.viewer, rcb) ? rcb : null;
}

async function listRcbs(
  context: ServiceContext,
  filter: RcbFilter | null | undefined,
  first: number,
  after: string | null | undefined,
) {
  const cursor = nameCursor(after);
  const { viewer } = context;
  const query = context.dataSource.getRepository(RcbEntity).createQueryBuilder('r');
  const statuses: RcbStatus[] = filter?.status?.length ? [...filter.status] : [...RCB_STATUSES];
  if (viewer.role === 'scheme_staff') {
    query.where('r.status IN (:...statuses)', { statuses });
  } else if (viewer.role === 'rcb_integration' && viewer.rcbId) {
    const visible = statuses.includes('APPOINTED');
    query.where(
      visible
        ? '(r.status = :appointed OR (r.id = :own AND r.status IN (:...statuses)))'
        : '(r.id = :own AND r.status IN (:...statuses))',
      {
        appointed: 'APPOINTED',
        own: viewer.rcbId,
        statuses,
      },
    );
  } else {
    query.where('r.status = :appointed', { appointed: statuses.includes('APPOINTED') ? 'APPOINTED' : '-' });
  }
  if (filter?.country)
    query.andWhere('r.country = :country', {
      country: parseInput(countryCode, filter.country, 'filter.country'),
    });
  if (filter?.search?.trim())
    query.andWhere(`r.name ILIKE :search ESCAPE '\\'`, { search: containsPattern(filter.search.trim()) });
  if (cursor)
    query.andWhere('(r.name, r.id) > (:afterName, :afterId)', { afterName: cursor[0], afterId: cursor[1] });
  const rows = await query
    .orderBy('r.name', 'ASC')
    .addOrderBy('r.id', 'ASC')
    .limit(first + 1)
    .getMany();
  return toConnection(rows, first, (rcb) => [rcb.name, rcb.id]);
}

export const rcbResolvers: Resolvers = {
  Query: {
    rcb: (_parent, { id }, context) => findVisibleRcb(context, id),
    rcbs: (_parent, { filter, first, after }, context) =>
      listRcbs(context, filter, clampPageSize(first), after),
  },
  Mutation: {
    async applyForRcbAppointment(_parent, { input }, context) {
      const application = parseInput(rcbApplicationInput, input);
      const now = new Date();
      return context.dataSource.transaction(async (manager) => {
        const rcb = manager.create(RcbEntity, {
          id: randomUUID(),
          name: application.name,
          country: application.country,
          companyDetails: application.companyDetails,
          contacts: application.contacts,
          nationalAccreditationBody: application.nationalAccreditationBody,
          accreditationReference: application.accreditationReference,
          countriesServed: application.countriesServed,
          status: 'APPLIED',
          statusReason: null,
          suspendedUntil: null,
          assessmentNotes: null,
          appliedAt: now,
          statusChangedAt: now,
        });
        await manager.insert(RcbEntity, rcb);
        await recordRcbStatusChange(manager, context, rcb, null, now);
        return rcb;
      });
    },
    async beginRcbAssessment(_parent, { rcbId, notes }, context) {
      requireSchemeStaff(context.viewer);
      return changeRcbStatus(context, rcbId, {
        action: 'BEGIN_ASSESSMENT',
        notes: notes ? parseInput(notesText, notes, 'notes') : null,
      });
    },
    async decideRcbApplication(_parent, { rcbId, decision, notes }, context) {
      requireSchemeStaff(context.viewer);
      const why = parseInput(notesText, notes, 'notes');
      return changeRcbStatus(context, rcbId, {
        action: decision === 'APPOINT' ? 'GRANT' : 'REJECT',
        reason: why,
        notes: why,
      });
    },
    async suspendRcb(_parent, { rcbId, reason, until }, context) {
      requireSchemeStaff(context.viewer);
      return changeRcbStatus(context, rcbId, {
        action: 'SUSPEND',
        reason: parseInput(reasonText, reason, 'reason'),
        suspendedUntil: until ?? null,
      });
    },
    async reinstateRcb(_parent, { rcbId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return changeRcbStatus(context, rcbId, {
        action: 'REINSTATE',
        reason: reason ? parseInput(reasonText, reason, 'reason') : null,
      });
    },
    async withdrawRcb(_parent, { rcbId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return changeRcbStatus(context, rcbId, {
        action: 'WITHDRAW',
        reason: parseInput(reasonText, reason, 'reason'),
      });
    },
  },
  Rcb: {
    __resolveReference: (reference, context) => findVisibleRcb(context, reference.id, canSeeReferencedRcb),
    website: (rcb) => rcb.companyDetails.website,
    accreditationReference(rcb, _args, context) {
      requireOwnRcb(context.viewer, rcb.id, 'accreditation reference');
      return rcb.accreditationReference;
    },
    companyDetails(rcb, _args, context) {
      requireOwnRcb(context.viewer, rcb.id, 'company details');
      return rcb.companyDetails;
    },
    contacts(rcb, _args, context) {
      requireOwnRcb(context.viewer, rcb.id, 'contacts');
      return rcb.contacts;
    },
    statusReason(rcb, _args, context) {
      requireOwnRcb(context.viewer, rcb.id, 'status reason');
      return rcb.statusReason;
    },
    suspendedUntil(rcb, _args, context) {
      requireOwnRcb(context.viewer, rcb.id, 'suspension');
      return rcb.suspendedUntil;
    },
    appliedAt(rcb, _args, context) {
      requireOwnRcb(context.viewer, rcb.id, 'application');
      return rcb.appliedAt;
    },
    assessmentNotes(rcb, _args, context) {
      requireSchemeStaff(context.viewer);
      return rcb.assessmentNotes;
    },
    async statusHistory(rcb, { first, after }, context) {
      requireOwnRcb(context.viewer, rcb.id, 'status history');
      const size = clampPageSize(first);
      const cursor = instantCursor(after);
      const query = context.dataSource
        .getRepository(RcbStatusChangeEntity)
        .createQueryBuilder('h')
        .where('h.rcb_id = :rcbId', { rcbId: rcb.id });
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
    },
  },
};
