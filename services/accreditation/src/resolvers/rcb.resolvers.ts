import { randomUUID } from 'node:crypto';
import { requireSchemeStaff } from '@iso20000/auth';
import { clampPageSize } from '@iso20000/service-kit';
import { canSeeRcb, canSeeReferencedRcb, requireOwnRcb } from '../access';
import { RCB_STATUSES, type RcbStatus } from '../domain/organization-lifecycle';
import { RcbStatusChangeEntity } from '../entities/rcb-status-change.entity';
import { RcbEntity } from '../entities/rcb.entity';
import type { Resolvers } from '../generated/graphql';
import { changeRcbStatus, recordRcbStatusChange } from '../operations/organization-status';
import { parseInput, rcbApplicationInput } from '../validation';
import {
  findVisibleOrganization,
  lifecycleRequest,
  listOrganizations,
  privateOrganizationFields,
  statusHistoryPage,
  type OrganizationKind,
} from './organization';

const RCB: OrganizationKind<RcbStatus, RcbEntity> = {
  entity: RcbEntity,
  granted: 'APPOINTED',
  statuses: RCB_STATUSES,
  ownId: (viewer) => (viewer.role === 'rcb_integration' ? viewer.rcbId : undefined),
};

export const rcbResolvers: Resolvers = {
  Query: {
    rcb: (_parent, { id }, context) =>
      findVisibleOrganization(context, id, context.loaders.rcbById, canSeeRcb),
    rcbs: (_parent, { filter, first, after }, context) =>
      listOrganizations(RCB, context, filter, clampPageSize(first), after),
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
      return changeRcbStatus(context, rcbId, lifecycleRequest.beginAssessment(notes));
    },
    async decideRcbApplication(_parent, { rcbId, decision, notes }, context) {
      requireSchemeStaff(context.viewer);
      return changeRcbStatus(context, rcbId, lifecycleRequest.decide(decision === 'APPOINT', notes));
    },
    async suspendRcb(_parent, { rcbId, reason, until }, context) {
      requireSchemeStaff(context.viewer);
      return changeRcbStatus(context, rcbId, lifecycleRequest.suspend(reason, until));
    },
    async reinstateRcb(_parent, { rcbId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return changeRcbStatus(context, rcbId, lifecycleRequest.reinstate(reason));
    },
    async withdrawRcb(_parent, { rcbId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return changeRcbStatus(context, rcbId, lifecycleRequest.withdraw(reason));
    },
  },
  Rcb: {
    __resolveReference: (reference, context) =>
      findVisibleOrganization(context, reference.id, context.loaders.rcbById, canSeeReferencedRcb),
    ...privateOrganizationFields<RcbEntity>(requireOwnRcb),
    website: (rcb) => rcb.companyDetails.website,
    accreditationReference(rcb, _args, context) {
      requireOwnRcb(context.viewer, rcb.id, 'accreditation reference');
      return rcb.accreditationReference;
    },
    async statusHistory(rcb, { first, after }, context) {
      requireOwnRcb(context.viewer, rcb.id, 'status history');
      return statusHistoryPage(
        context,
        RcbStatusChangeEntity,
        { column: 'rcb_id', id: rcb.id },
        first,
        after,
      );
    },
  },
};
