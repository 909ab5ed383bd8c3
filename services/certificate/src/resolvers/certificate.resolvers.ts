import { isSchemeStaff, requireRole, requireSchemeStaff } from '@iso20000/auth';
import { badUserInput, clampPageSize, forbidden, notFound, rateLimited } from '@iso20000/service-kit';
import { decodeJwt } from 'jose';
import { canSeeCertificate, requireCertificateAccess } from '../authorization';
import { EXAM_TITLES, publicUrls } from '../credentials/credential-documents';
import { jwksOf } from '../credentials/signing-key';
import { toCalendarDate } from '../domain/business-days';
import { parseCertificateNumber } from '../domain/certificate-number';
import { CertificateEntity } from '../entities/certificate.entity';
import type { Resolvers } from '../generated/graphql';
import type { ServiceContext } from '../context';
import { correctHolderName } from '../use-cases/correct-holder-name';
import { revokeCertificate } from '../use-cases/revoke-certificate';
import { signedStatusList, statusListEntry } from '../use-cases/status-lists';
import { verifyCertificateNumber } from '../use-cases/verify-certificate';
import { isUuid, requireId, requireText } from './input';
import { connectionOf, keysetAfter, MAX_PAGE_SIZE, pageInMemory } from './pagination';
import type { CredentialParent } from './parents';

const day = (instant: Date | null) => (instant ? toCalendarDate(instant) : null);

async function visibleCertificate(
  context: ServiceContext,
  certificate: CertificateEntity | null,
): Promise<CertificateEntity | null> {
  if (!certificate) return null;
  requireCertificateAccess(context.viewer, certificate);
  return certificate;
}

async function loadForStaff(context: ServiceContext, id: string): Promise<CertificateEntity> {
  requireSchemeStaff(context.viewer);
  const certificate = await context.loaders.certificateById.load(requireId(id, 'certificate'));
  if (!certificate) throw notFound(`No certificate ${id}`);
  return certificate;
}

/** The signed credential of the certificate's current version (null while pending). */
export async function currentCredential(
  context: ServiceContext,
  certificate: CertificateEntity,
): Promise<CredentialParent | null> {
  if (certificate.version === 0) return null;
  const versions = await context.loaders.versionsByCertificateId.load(certificate.id);
  const current = versions.find((v) => v.version === certificate.version);
  return current ? { jwt: current.credentialJwt, statusListIndex: certificate.statusListIndex } : null;
}

const MAX_STATUS_LISTS = 10_000;

export const certificateResolvers: Resolvers = {
  Query: {
    async verifyCertificate(_parent, { number }, context) {
      const decision = await context.rateLimiter.take(context.rateLimitKey);
      if (!decision.allowed) {
        throw rateLimited(
          `Too many verifications from this client; try again in ${decision.retryAfterSeconds} seconds.`,
          {
            retryAfterSeconds: decision.retryAfterSeconds,
          },
        );
      }
      return verifyCertificateNumber(number, (n) => context.loaders.certificateByNumber.load(n));
    },

    async certificate(_parent, { id }, context) {
      if (!isUuid(id)) return null;
      return visibleCertificate(context, await context.loaders.certificateById.load(id.toLowerCase()));
    },

    async certificateByNumber(_parent, { number }, context) {
      const parsed = parseCertificateNumber(number);
      if (!parsed.ok) throw badUserInput(parsed.message, { field: 'number' });
      return visibleCertificate(context, await context.loaders.certificateByNumber.load(parsed.number));
    },

    async certificates(_parent, { filter, first, after }, context) {
      const { viewer } = context;
      requireRole(viewer, 'scheme_staff', 'ato_staff');
      const size = clampPageSize(first, MAX_PAGE_SIZE);
      let atoId = filter?.atoId ?? null;
      if (viewer.role === 'ato_staff') {
        if (atoId !== null && atoId !== viewer.atoId)
          throw forbidden("ATO staff see only their own ATO's certificates");
        atoId = viewer.atoId ?? null;
        if (!atoId) throw forbidden('This ATO staff account names no ATO');
      }
      if (atoId !== null && !isUuid(atoId))
        throw badUserInput(`filter.atoId ${atoId} is not an ATO id`, { field: 'filter.atoId' });
      const query = context.dataSource
        .getRepository(CertificateEntity)
        .createQueryBuilder('c')
        .orderBy('c.createdAt', 'DESC')
        .addOrderBy('c.id', 'DESC')
        .limit(size + 1);
      if (atoId) query.andWhere('c.atoId = :atoId', { atoId });
      if (filter?.status) query.andWhere('c.status = :status', { status: filter.status });
      if (filter?.examCode) query.andWhere('c.examCode = :examCode', { examCode: filter.examCode });
      const cursor = keysetAfter(after);
      if (cursor) query.andWhere('(c.created_at, c.id) < (:at::timestamptz, :id::uuid)', cursor);
      return connectionOf(await query.getMany(), size, (c) => [c.createdAt.toISOString(), c.id]);
    },

    async overdueCertificates(_parent, { first, after }, context) {
      requireSchemeStaff(context.viewer);
      const size = clampPageSize(first, MAX_PAGE_SIZE);
      const query = context.dataSource
        .getRepository(CertificateEntity)
        .createQueryBuilder('c')
        .where(`c.status = 'PENDING'`)
        .andWhere('c.dueOn < :today', { today: toCalendarDate(new Date()) })
        .orderBy('c.dueOn', 'ASC')
        .addOrderBy('c.id', 'ASC')
        .limit(size + 1);
      const cursor = keysetAfter(after);
      if (cursor) query.andWhere('(c.due_on, c.id) > (:at::date, :id::uuid)', cursor);
      return connectionOf(await query.getMany(), size, (c) => [c.dueOn, c.id]);
    },

    certificateIssuerKeys(_parent, _args, context) {
      return jwksOf(context.issuer.key);
    },

    async certificateStatusList(_parent, { list }, context) {
      const number = list ?? 1;
      if (!Number.isInteger(number) || number < 1 || number > MAX_STATUS_LISTS) {
        throw badUserInput(`list must be a status list number from 1 to ${MAX_STATUS_LISTS}`, {
          field: 'list',
        });
      }
      return signedStatusList(context.dataSource, context.issuer, number);
    },
  },

  Mutation: {
    async correctCertificateHolderName(_parent, { input }, context) {
      const certificate = await loadForStaff(context, input.certificateId);
      const holderName = requireText(input.holderName, 'holderName', 300);
      const reason = requireText(input.reason, 'reason', 2000);
      return context.dataSource.transaction((manager) =>
        correctHolderName(
          manager,
          certificate.id,
          holderName,
          reason,
          context.viewer.subject,
          context.issuer,
        ),
      );
    },

    async revokeCertificate(_parent, { input }, context) {
      const certificate = await loadForStaff(context, input.certificateId);
      const reason = requireText(input.reason, 'reason', 2000);
      return context.dataSource.transaction((manager) =>
        revokeCertificate(manager, certificate.id, reason, new Date(), {
          requestId: context.requestId,
          alreadyRevoked: 'conflict',
        }),
      );
    },
  },

  Certificate: {
    async __resolveReference(reference, context) {
      const ref = reference as { id?: string; number?: string };
      let certificate: CertificateEntity | null = null;
      if (ref.id !== undefined) {
        certificate = isUuid(ref.id)
          ? await context.loaders.certificateById.load(ref.id.toLowerCase())
          : null;
      } else if (ref.number !== undefined) {
        const parsed = parseCertificateNumber(ref.number);
        certificate = parsed.ok ? await context.loaders.certificateByNumber.load(parsed.number) : null;
      }
      // Another subgraph's reference does not widen who may see a certificate.
      return certificate && canSeeCertificate(context.viewer, certificate) ? certificate : null;
    },
    examTitle: (certificate) => EXAM_TITLES[certificate.examCode],
    issuedOn: (certificate) => day(certificate.issuedAt),
    candidate: (certificate) => ({ id: certificate.candidateId }),
    sitting: (certificate) => ({ id: certificate.sittingId }),
    ato: (certificate) => (certificate.atoId ? { __typename: 'Ato', id: certificate.atoId } : null),
    versions: (certificate, _args, context) => context.loaders.versionsByCertificateId.load(certificate.id),
    revocation: (certificate) =>
      certificate.revokedAt
        ? {
            revokedAt: certificate.revokedAt,
            revokedOn: toCalendarDate(certificate.revokedAt),
            reason: certificate.revocationReason ?? '',
          }
        : null,
    credential: (certificate, _args, context) => currentCredential(context, certificate),
    verificationUrl: (certificate, _args, context) =>
      publicUrls(context.issuer.profile).verification(certificate.number),
    async badge(certificate, _args, context) {
      const badge = await context.loaders.badgeByCertificateId.load(certificate.id);
      return badge ? { badge, certificate } : null;
    },
    async hardCopyOrders(certificate, args, context) {
      return pageInMemory(await context.loaders.hardCopyOrdersByCertificateId.load(certificate.id), args);
    },
  },

  CertificateCredential: {
    document: (credential) => decodeJwt(credential.jwt),
    statusListIndex: (credential) => statusListEntry(credential.statusListIndex).statusListIndex,
    statusListUrl: (credential, _args, context) =>
      publicUrls(context.issuer.profile).statusList(statusListEntry(credential.statusListIndex).statusList),
  },

  Candidate: {
    __resolveReference: (reference) => ({ id: (reference as { id: string }).id }),
    async certificates(candidate, args, context) {
      const { viewer } = context;
      requireRole(viewer, 'candidate', 'ato_staff', 'scheme_staff');
      if (viewer.role === 'candidate' && viewer.candidateId !== candidate.id) {
        throw forbidden('Candidates see only their own certificates');
      }
      const all = isUuid(candidate.id)
        ? await context.loaders.certificatesByCandidateId.load(candidate.id.toLowerCase())
        : [];
      // ATO staff: only the certificates earned through their ATO.
      const visible = isSchemeStaff(viewer) ? all : all.filter((c) => canSeeCertificate(viewer, c));
      return pageInMemory(visible, args);
    },
  },

  Sitting: {
    __resolveReference: (reference) => ({ id: (reference as { id: string }).id }),
    async certificate(sitting, _args, context) {
      if (!isUuid(sitting.id)) return null;
      const certificate = await context.loaders.certificateBySittingId.load(sitting.id.toLowerCase());
      return certificate && canSeeCertificate(context.viewer, certificate) ? certificate : null;
    },
  },
};
