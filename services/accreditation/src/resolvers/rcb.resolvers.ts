import { RCB_ACTIVE_STATUS, type RcbStatus } from '@iso20000/scheme';
import { parseId } from '@iso20000/service-kit';
import { RCB_STATUSES } from '@iso20000/scheme';
import { canSeeRcb, canSeeReferencedRcb, ownRcbId, requireOwnRcb, requireSchemeStaff } from '../access';
import { applyForRcbAppointment } from '../commands/apply-for-rcb-appointment';
import { beginAssessment } from '../commands/begin-assessment';
import { RCB_LIFECYCLE } from '../commands/change-organization-status';
import { decideApplication } from '../commands/decide-application';
import { reinstateOrganization } from '../commands/reinstate-organization';
import { suspendOrganization } from '../commands/suspend-organization';
import { withdrawOrganization } from '../commands/withdraw-organization';
import { RcbStatusChangeEntity } from '../entities/rcb-status-change.entity';
import { RcbEntity } from '../entities/rcb.entity';
import type { Resolvers } from '../generated/graphql';
import { parseNotes, parseRcbApplication, parseReason } from './input';
import {
  findVisibleOrganization,
  listOrganizations,
  privateOrganizationFields,
  statusHistoryPage,
  type OrganizationKind,
} from './organization';

const RCB: OrganizationKind<RcbStatus, RcbEntity> = {
  entity: RcbEntity,
  granted: RCB_ACTIVE_STATUS,
  statuses: RCB_STATUSES,
  ownId: ownRcbId,
};

export const rcbResolvers: Resolvers = {
  Query: {
    rcb: (_parent, { id }, context) =>
      findVisibleOrganization(context, parseId(id, 'id'), context.loaders.rcbById, canSeeRcb),
    rcbs: (_parent, { filter, first, after }, context) =>
      listOrganizations(RCB, context, filter, { first, after }),
  },
  Mutation: {
    applyForRcbAppointment: (_parent, { input }, context) =>
      applyForRcbAppointment(context, parseRcbApplication(input)),
    beginRcbAssessment(_parent, { rcbId, notes }, context) {
      requireSchemeStaff(context.viewer);
      const id = parseId(rcbId, 'rcbId');
      return beginAssessment(RCB_LIFECYCLE, context, id, notes == null ? null : parseNotes(notes));
    },
    decideRcbApplication(_parent, { rcbId, decision, notes }, context) {
      requireSchemeStaff(context.viewer);
      return decideApplication(RCB_LIFECYCLE, context, parseId(rcbId, 'rcbId'), {
        grant: decision === 'APPOINT',
        notes: parseNotes(notes),
      });
    },
    suspendRcb(_parent, { rcbId, reason, until }, context) {
      requireSchemeStaff(context.viewer);
      return suspendOrganization(RCB_LIFECYCLE, context, parseId(rcbId, 'rcbId'), {
        reason: parseReason(reason),
        until: until ?? null,
      });
    },
    reinstateRcb(_parent, { rcbId, reason }, context) {
      requireSchemeStaff(context.viewer);
      const id = parseId(rcbId, 'rcbId');
      return reinstateOrganization(RCB_LIFECYCLE, context, id, reason ? parseReason(reason) : null);
    },
    withdrawRcb(_parent, { rcbId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return withdrawOrganization(RCB_LIFECYCLE, context, parseId(rcbId, 'rcbId'), parseReason(reason));
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
    statusHistory(rcb, { first, after }, context) {
      requireOwnRcb(context.viewer, rcb.id, 'status history');
      return statusHistoryPage(
        context,
        RcbStatusChangeEntity,
        { column: 'rcb_id', id: rcb.id },
        { first, after },
      );
    },
  },
};
