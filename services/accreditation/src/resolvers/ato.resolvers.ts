import { randomUUID } from 'node:crypto';
import { requireAtoAccess, requireSchemeStaff } from '@iso20000/auth';
import { Events, recordEvent } from '@iso20000/events';
import { badUserInput, clampPageSize, conflict, notFound } from '@iso20000/service-kit';
import { canSeeAto, canSeeReferencedAto, requireOwnAto } from '../access';
import type { ServiceContext } from '../context';
import {
  deliveryPreferenceViolation,
  logoLicenceActiveOn,
  logoLicenceViolation,
} from '../domain/delivery-preference';
import { ATO_STATUSES, type AtoStatus } from '../domain/organization-lifecycle';
import { AtoStatusChangeEntity } from '../entities/ato-status-change.entity';
import { AtoEntity } from '../entities/ato.entity';
import type { AtoFilter, Resolvers } from '../generated/graphql';
import { changeAtoStatus, recordAtoStatusChange } from '../operations/organization-status';
import { courseCursor, courseKey, instantCursor, iso, nameCursor, toConnection } from '../pagination';
import {
  atoApplicationInput,
  countryCode,
  deliveryPreferenceInput,
  logoLicenceInput,
  notesText,
  parseInput,
  reasonText,
  today,
  uuid,
} from '../validation';

async function findVisibleAto(
  context: ServiceContext,
  id: string,
  visible = canSeeAto,
): Promise<AtoEntity | null> {
  if (!uuid.safeParse(id).success) return null;
  const ato = await context.loaders.atoById.load(id);
  return ato && visible(context.viewer, ato) ? ato : null;
}

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern. */
export function containsPattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

async function listAtos(
  context: ServiceContext,
  filter: AtoFilter | null | undefined,
  first: number,
  after: string | null | undefined,
) {
  const cursor = nameCursor(after);
  const { viewer } = context;
  const query = context.dataSource.getRepository(AtoEntity).createQueryBuilder('a');
  const statuses: AtoStatus[] = filter?.status?.length ? [...filter.status] : [...ATO_STATUSES];
  if (viewer.role === 'scheme_staff') {
    query.where('a.status IN (:...statuses)', { statuses });
  } else if (viewer.role === 'ato_staff' && viewer.atoId) {
    // Accredited ones, plus their own in whatever status.
    const visible = statuses.filter((s) => s === 'ACCREDITED');
    query.where(
      visible.length
        ? '(a.status = :accredited OR (a.id = :own AND a.status IN (:...statuses)))'
        : '(a.id = :own AND a.status IN (:...statuses))',
      {
        accredited: 'ACCREDITED',
        own: viewer.atoId,
        statuses,
      },
    );
  } else {
    query.where('a.status = :accredited', {
      accredited: statuses.includes('ACCREDITED') ? 'ACCREDITED' : '-',
    });
  }
  if (filter?.country)
    query.andWhere('a.country = :country', {
      country: parseInput(countryCode, filter.country, 'filter.country'),
    });
  if (filter?.search?.trim())
    query.andWhere(`a.name ILIKE :search ESCAPE '\\'`, { search: containsPattern(filter.search.trim()) });
  if (cursor)
    query.andWhere('(a.name, a.id) > (:afterName, :afterId)', { afterName: cursor[0], afterId: cursor[1] });
  const rows = await query
    .orderBy('a.name', 'ASC')
    .addOrderBy('a.id', 'ASC')
    .limit(first + 1)
    .getMany();
  return toConnection(rows, first, (ato) => [ato.name, ato.id]);
}

function decisionNotes(notes: string | null | undefined): string | null {
  return notes === null || notes === undefined ? null : parseInput(notesText, notes, 'notes');
}

export const atoResolvers: Resolvers = {
  Query: {
    ato: (_parent, { id }, context) => findVisibleAto(context, id),
    atos: (_parent, { filter, first, after }, context) =>
      listAtos(context, filter, clampPageSize(first), after),
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
      return changeAtoStatus(context, atoId, { action: 'BEGIN_ASSESSMENT', notes: decisionNotes(notes) });
    },
    async decideAtoApplication(_parent, { atoId, decision, notes }, context) {
      requireSchemeStaff(context.viewer);
      const why = parseInput(notesText, notes, 'notes');
      return changeAtoStatus(context, atoId, {
        action: decision === 'ACCREDIT' ? 'GRANT' : 'REJECT',
        reason: why,
        notes: why,
      });
    },
    async suspendAto(_parent, { atoId, reason, until }, context) {
      requireSchemeStaff(context.viewer);
      return changeAtoStatus(context, atoId, {
        action: 'SUSPEND',
        reason: parseInput(reasonText, reason, 'reason'),
        suspendedUntil: until ?? null,
      });
    },
    async reinstateAto(_parent, { atoId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return changeAtoStatus(context, atoId, {
        action: 'REINSTATE',
        reason: reason ? parseInput(reasonText, reason, 'reason') : null,
      });
    },
    async withdrawAto(_parent, { atoId, reason }, context) {
      requireSchemeStaff(context.viewer);
      return changeAtoStatus(context, atoId, {
        action: 'WITHDRAW',
        reason: parseInput(reasonText, reason, 'reason'),
      });
    },
    async setCertificateDeliveryPreference(_parent, { atoId, input }, context) {
      requireAtoAccess(context.viewer, atoId);
      const preference = parseInput(deliveryPreferenceInput, input);
      const violation = deliveryPreferenceViolation(preference);
      if (violation) throw badUserInput(violation);
      return context.dataSource.transaction(async (manager) => {
        const ato = await manager
          .getRepository(AtoEntity)
          .findOne({ where: { id: atoId }, lock: { mode: 'pessimistic_write' } });
        if (!ato) throw notFound(`No ATO with id ${atoId}`);
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
        const ato = await manager
          .getRepository(AtoEntity)
          .findOne({ where: { id: atoId }, lock: { mode: 'pessimistic_write' } });
        if (!ato) throw notFound(`No ATO with id ${atoId}`);
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
    async __resolveReference(reference, context) {
      return findVisibleAto(context, reference.id, canSeeReferencedAto);
    },
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
    companyDetails(ato, _args, context) {
      requireOwnAto(context.viewer, ato.id, 'company details');
      return ato.companyDetails;
    },
    contacts(ato, _args, context) {
      requireOwnAto(context.viewer, ato.id, 'contacts');
      return ato.contacts;
    },
    statusReason(ato, _args, context) {
      requireOwnAto(context.viewer, ato.id, 'status reason');
      return ato.statusReason;
    },
    suspendedUntil(ato, _args, context) {
      requireOwnAto(context.viewer, ato.id, 'suspension');
      return ato.suspendedUntil;
    },
    appliedAt(ato, _args, context) {
      requireOwnAto(context.viewer, ato.id, 'application');
      return ato.appliedAt;
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
    assessmentNotes(ato, _args, context) {
      requireSchemeStaff(context.viewer);
      return ato.assessmentNotes;
    },
    async statusHistory(ato, { first, after }, context) {
      requireOwnAto(context.viewer, ato.id, 'status history');
      const size = clampPageSize(first);
      const cursor = instantCursor(after);
      const query = context.dataSource
        .getRepository(AtoStatusChangeEntity)
        .createQueryBuilder('h')
        .where('h.ato_id = :atoId', { atoId: ato.id });
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
