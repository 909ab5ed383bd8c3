import { randomUUID } from 'node:crypto';
import { requireAtoAccess, requireSchemeStaff } from '@iso20000/auth';
import { Events, recordEvent } from '@iso20000/events';
import { badUserInput, clampPageSize, conflict } from '@iso20000/service-kit';
import { canSeeAto, canSeeReferencedAto, requireOwnAto } from '../access';
import {
  deliveryPreferenceViolation,
  logoLicenceActiveOn,
  logoLicenceViolation,
} from '../domain/delivery-preference';
import { ATO_STATUSES, type AtoStatus } from '../domain/organization-lifecycle';
import { AtoStatusChangeEntity } from '../entities/ato-status-change.entity';
import { AtoEntity } from '../entities/ato.entity';
import type { Resolvers } from '../generated/graphql';
import { changeAtoStatus, recordAtoStatusChange } from '../operations/organization-status';
import { lockedRow } from '../operations/row-lock';
import { courseCursor, courseKey, toConnection } from '../pagination';
import {
  atoApplicationInput,
  deliveryPreferenceInput,
  logoLicenceInput,
  parseInput,
  today,
} from '../validation';
import {
  findVisibleOrganization,
  lifecycleRequest,
  listOrganizations,
  privateOrganizationFields,
  statusHistoryPage,
  type OrganizationKind,
} from './organization';

const ATO: OrganizationKind<AtoStatus, AtoEntity> = {
  entity: AtoEntity,
  granted: 'ACCREDITED',
  statuses: ATO_STATUSES,
  ownId: (viewer) => (viewer.role === 'ato_staff' ? viewer.atoId : undefined),
};

export const atoResolvers: Resolvers = {
  Query: {
    ato: (_parent, { id }, context) =>
      findVisibleOrganization(context, id, context.loaders.atoById, canSeeAto),
    atos: (_parent, { filter, first, after }, context) =>
      listOrganizations(ATO, context, filter, clampPageSize(first), after),
  },
  Mutation: {
    async applyForAtoAccreditation(_parent, { input }, context) {
      const application = parseInput(atoApplicationInput, input);
      const now = new Date();
      return context.dataSource.transaction(async (manager) => {
        const ato = manager.create(AtoEntity, {
          id: randomUUID(),
          name: application.name,
          country: application.country,
          companyDetails: application.companyDetails,
          contacts: application.contacts.map((c) => ({
            name: c.name,
            email: c.email,
            phone: c.phone,
            role: c.role,
          })),
          examLevels: application.examLevels,
          languages: application.languages,
          deliveryModes: application.deliveryModes,
          status: 'APPLIED',
          statusReason: null,
          suspendedUntil: null,
          assessmentNotes: null,
          appliedAt: now,
          statusChangedAt: now,
          deliveryFormat: 'ELECTRONIC_ONLY',
          deliveryRecipient: 'CANDIDATE',
          deliveryAddress: null,
          logoLicensed: false,
          logoValidFrom: null,
          logoValidUntil: null,
        });
        await manager.insert(AtoEntity, ato);
        await recordAtoStatusChange(manager, context, ato, null, now);
        return ato;
      });
    },
    async beginAtoAssessment(_parent, { atoId, notes }, context) {
      requireSchemeStaff(context.viewer);
      return changeAtoStatus(context, atoId, lifecycleRequest.beginAssessment(notes));
    },
    async decideAtoApplication(_parent, { atoId, decision, notes }, context) {
      requireSchemeStaff(context.viewer);
      return changeAtoStatus(context, atoId, lifecycleRequest.decide(decision === 'ACCREDIT', notes));
    },
    async suspendAto(_parent, { atoId, reason, until }, context) {
      requireSchemeStaff(context.viewer);
      return changeAtoStatus(context, atoId, lifecycleRequest.suspend(reason, until));
    },
    async reinstateAto(_parent, { atoId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return changeAtoStatus(context, atoId, lifecycleRequest.reinstate(reason));
    },
    async withdrawAto(_parent, { atoId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return changeAtoStatus(context, atoId, lifecycleRequest.withdraw(reason));
    },
    async setCertificateDeliveryPreference(_parent, { atoId, input }, context) {
      requireAtoAccess(context.viewer, atoId);
      const preference = parseInput(deliveryPreferenceInput, input);
      const violation = deliveryPreferenceViolation(preference);
      if (violation) throw badUserInput(violation);
      return context.dataSource.transaction(async (manager) => {
        const ato = await lockedRow(manager, AtoEntity, atoId, 'ATO');
        ato.deliveryFormat = preference.format;
        ato.deliveryRecipient = preference.recipient;
        ato.deliveryAddress = preference.atoAddress;
        await manager.save(ato);
        await recordEvent(
          manager,
          Events.AtoDeliveryPreferenceChanged,
          {
            atoId,
            format: preference.format,
            recipient: preference.recipient,
            atoAddress: preference.atoAddress,
            changedAt: new Date().toISOString(),
          },
          { requestId: context.requestId },
        );
        return ato;
      });
    },
    async setAtoLogoLicence(_parent, { atoId, input }, context) {
      requireSchemeStaff(context.viewer);
      const licence = parseInput(logoLicenceInput, input);
      const violation = logoLicenceViolation(licence);
      if (violation) throw badUserInput(violation);
      return context.dataSource.transaction(async (manager) => {
        const ato = await lockedRow(manager, AtoEntity, atoId, 'ATO');
        if (licence.licensed && ato.status !== 'ACCREDITED') {
          throw conflict(
            `Only an accredited ATO may be licensed to use the scheme logo; this one is ${ato.status}`,
          );
        }
        ato.logoLicensed = licence.licensed;
        ato.logoValidFrom = licence.validFrom;
        ato.logoValidUntil = licence.validUntil;
        return manager.save(ato);
      });
    },
  },
  Ato: {
    __resolveReference: (reference, context) =>
      findVisibleOrganization(context, reference.id, context.loaders.atoById, canSeeReferencedAto),
    ...privateOrganizationFields<AtoEntity>(requireOwnAto),
    website: (ato) => ato.companyDetails.website,
    // A suspended or withdrawn ATO may not use the logo, whatever its licence dates say.
    logoLicensed: (ato) =>
      ato.status === 'ACCREDITED' &&
      logoLicenceActiveOn(
        { licensed: ato.logoLicensed, validFrom: ato.logoValidFrom, validUntil: ato.logoValidUntil },
        today(),
      ),
    async courses(ato, { first, after }, context) {
      const size = clampPageSize(first);
      const rows = await context.loaders.coursesOfAto(size, courseCursor(after)).load(ato.id);
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
    async statusHistory(ato, { first, after }, context) {
      requireOwnAto(context.viewer, ato.id, 'status history');
      return statusHistoryPage(
        context,
        AtoStatusChangeEntity,
        { column: 'ato_id', id: ato.id },
        first,
        after,
      );
    },
  },
};
