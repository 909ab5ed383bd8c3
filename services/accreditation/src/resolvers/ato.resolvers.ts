import { ATO_ACTIVE_STATUS, type AtoStatus } from '@iso20000/scheme';
import { clampPageSize, decodeCursorAs, parseId, toConnection } from '@iso20000/service-kit';
import { ATO_STATUSES } from '@iso20000/scheme';
import {
  canSeeAto,
  canSeeReferencedAto,
  ownAtoId,
  requireAtoAccess,
  requireOwnAto,
  requireSchemeStaff,
} from '../access';
import { applyForAtoAccreditation } from '../commands/apply-for-ato-accreditation';
import { beginAssessment } from '../commands/begin-assessment';
import { ATO_LIFECYCLE } from '../commands/change-organization-status';
import { decideApplication } from '../commands/decide-application';
import { reinstateOrganization } from '../commands/reinstate-organization';
import { setAtoLogoLicence } from '../commands/set-ato-logo-licence';
import { setCertificateDeliveryPreference } from '../commands/set-certificate-delivery-preference';
import { suspendOrganization } from '../commands/suspend-organization';
import { withdrawOrganization } from '../commands/withdraw-organization';
import { logoLicenceActiveOn } from '../domain/delivery-preference';
import { today } from '../domain/today';
import { AtoStatusChangeEntity } from '../entities/ato-status-change.entity';
import { AtoEntity } from '../entities/ato.entity';
import type { Resolvers } from '../generated/graphql';
import { COURSE_CURSOR, courseKey, type CourseCursor } from '../queries/course-order';
import {
  parseAtoApplication,
  parseDeliveryPreference,
  parseLogoLicence,
  parseNotes,
  parseReason,
} from './input';
import {
  findVisibleOrganization,
  listOrganizations,
  privateOrganizationFields,
  statusHistoryPage,
  type OrganizationKind,
} from './organization';

const ATO: OrganizationKind<AtoStatus, AtoEntity> = {
  entity: AtoEntity,
  granted: ATO_ACTIVE_STATUS,
  statuses: ATO_STATUSES,
  ownId: ownAtoId,
};

export const atoResolvers: Resolvers = {
  Query: {
    ato: (_parent, { id }, context) =>
      findVisibleOrganization(context, parseId(id, 'id'), context.loaders.atoById, canSeeAto),
    atos: (_parent, { filter, first, after }, context) =>
      listOrganizations(ATO, context, filter, { first, after }),
  },
  Mutation: {
    applyForAtoAccreditation: (_parent, { input }, context) =>
      applyForAtoAccreditation(context, parseAtoApplication(input)),
    beginAtoAssessment(_parent, { atoId, notes }, context) {
      requireSchemeStaff(context.viewer);
      const id = parseId(atoId, 'atoId');
      return beginAssessment(ATO_LIFECYCLE, context, id, notes == null ? null : parseNotes(notes));
    },
    decideAtoApplication(_parent, { atoId, decision, notes }, context) {
      requireSchemeStaff(context.viewer);
      return decideApplication(ATO_LIFECYCLE, context, parseId(atoId, 'atoId'), {
        grant: decision === 'ACCREDIT',
        notes: parseNotes(notes),
      });
    },
    suspendAto(_parent, { atoId, reason, until }, context) {
      requireSchemeStaff(context.viewer);
      return suspendOrganization(ATO_LIFECYCLE, context, parseId(atoId, 'atoId'), {
        reason: parseReason(reason),
        until: until ?? null,
      });
    },
    reinstateAto(_parent, { atoId, reason }, context) {
      requireSchemeStaff(context.viewer);
      const id = parseId(atoId, 'atoId');
      return reinstateOrganization(ATO_LIFECYCLE, context, id, reason ? parseReason(reason) : null);
    },
    withdrawAto(_parent, { atoId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return withdrawOrganization(ATO_LIFECYCLE, context, parseId(atoId, 'atoId'), parseReason(reason));
    },
    setCertificateDeliveryPreference(_parent, { atoId, input }, context) {
      const id = parseId(atoId, 'atoId');
      requireAtoAccess(context.viewer, id);
      return setCertificateDeliveryPreference(context, id, parseDeliveryPreference(input));
    },
    setAtoLogoLicence(_parent, { atoId, input }, context) {
      requireSchemeStaff(context.viewer);
      return setAtoLogoLicence(context, parseId(atoId, 'atoId'), parseLogoLicence(input));
    },
  },
  Ato: {
    __resolveReference: (reference, context) =>
      findVisibleOrganization(context, reference.id, context.loaders.atoById, canSeeReferencedAto),
    ...privateOrganizationFields<AtoEntity>(requireOwnAto),
    website: (ato) => ato.companyDetails.website,
    // A suspended or withdrawn ATO may not use the logo, whatever its licence dates say.
    logoLicensed: (ato) =>
      ato.status === ATO_ACTIVE_STATUS &&
      logoLicenceActiveOn(
        { licensed: ato.logoLicensed, validFrom: ato.logoValidFrom, validUntil: ato.logoValidUntil },
        today(),
      ),
    async courses(ato, { first, after }, context) {
      const size = clampPageSize(first);
      const cursor = decodeCursorAs(after, COURSE_CURSOR);
      const rows = await context.loaders.coursesOfAto(size, cursor as CourseCursor | null).load(ato.id);
      return toConnection(rows, size, courseKey);
    },
    certificateDeliveryPreference(ato, _args, context) {
      requireOwnAto(context.viewer, ato.id, 'certificate delivery preference');
      return {
        format: ato.deliveryFormat,
        recipient: ato.deliveryRecipient,
        atoAddress: ato.deliveryAddress,
      };
    },
    logoLicence(ato, _args, context) {
      requireOwnAto(context.viewer, ato.id, 'logo licence');
      return { licensed: ato.logoLicensed, validFrom: ato.logoValidFrom, validUntil: ato.logoValidUntil };
    },
    statusHistory(ato, { first, after }, context) {
      requireOwnAto(context.viewer, ato.id, 'status history');
      return statusHistoryPage(
        context,
        AtoStatusChangeEntity,
        { column: 'ato_id', id: ato.id },
        { first, after },
      );
    },
  },
};
