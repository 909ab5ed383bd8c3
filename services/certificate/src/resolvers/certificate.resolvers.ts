import { jwksOf, statusListEntry } from '@iso20000/credentials';
import {
  clampPageSize,
  decodeCursorAs,
  knownIds,
  pageInMemory,
  paginate,
  parseId,
  parseText,
  refuse,
  toConnection,
} from '@iso20000/service-kit';
import { decodeJwt } from 'jose';
import {
  canSeeCertificate,
  certificateListAto,
  requireCandidateCertificatesReader,
  requireCertificateAccess,
  requireStaff,
  visibleCertificates,
} from '../access';
import { correctCertificateHolderName } from '../commands/correct-certificate-holder-name';
import { revokeCertificate } from '../commands/revoke-certificate';
import { verifyCertificate } from '../commands/verify-certificate';
import { examTitle, publicUrls } from '../credentials/credential-documents';
import { signedStatusList } from '../credentials/status-lists';
import { toCalendarDate } from '../domain/business-days';
import { parseCertificateNumber } from '../domain/certificate-number';
import { CertificateEntity } from '../entities/certificate.entity';
import type { Resolvers } from '../generated/graphql';
import type { ServiceContext } from '../context';
import { INPUT_LIMITS, MAX_PAGE_SIZE, MAX_STATUS_LISTS } from '../limits';
import type { CredentialParent } from './parents';

const day = (instant: Date | null) => (instant ? toCalendarDate(instant) : null);

/** A number as typed by a person: at most INPUT_LIMITS.certificateNumber characters, no control characters. */
function certificateNumberText(number: string): string {
  return parseText(number, { field: 'number', max: INPUT_LIMITS.certificateNumber, min: 0 });
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

export const certificateResolvers: Resolvers = {
  Query: {
    verifyCertificate: (_parent, { number }, context) =>
      verifyCertificate(
        {
          verificationBudget: context.verificationBudget,
          findByNumber: (n) => context.loaders.certificateByNumber.load(n),
        },
        { number: certificateNumberText(number), clientKey: context.rateLimitKey },
      ),

    async certificate(_parent, { id }, context) {
      const certificate = await context.loaders.certificateById.load(parseId(id, 'id'));
      if (!certificate) return null;
      requireCertificateAccess(context.viewer, certificate);
      return certificate;
    },

    async certificateByNumber(_parent, { number }, context) {
      const parsed = parseCertificateNumber(certificateNumberText(number));
      if (!parsed.ok) throw refuse.badInput(parsed.message, { field: 'number' });
      const certificate = await context.loaders.certificateByNumber.load(parsed.number);
      if (!certificate) return null;
      requireCertificateAccess(context.viewer, certificate);
      return certificate;
    },

    async certificates(_parent, { filter, first, after }, context) {
      const scope = certificateListAto(context.viewer, filter?.atoId ?? null);
      const atoId = scope === null ? null : parseId(scope, 'filter.atoId');
      const size = clampPageSize(first, MAX_PAGE_SIZE);
      // Newest first: (created_at, id) descending, served by the indexes that end in those columns.
      const query = context.dataSource
        .getRepository(CertificateEntity)
        .createQueryBuilder('c')
        .orderBy('c.createdAt', 'DESC')
        .addOrderBy('c.id', 'DESC')
        .limit(size + 1);
      if (atoId) query.andWhere('c.atoId = :atoId', { atoId });
      if (filter?.status) query.andWhere('c.status = :status', { status: filter.status });
      if (filter?.examCode) query.andWhere('c.examCode = :examCode', { examCode: filter.examCode });
      const cursor = decodeCursorAs(after, ['instant', 'uuid']);
      if (cursor) {
        query.andWhere('(c.created_at, c.id) < (:at::timestamptz, :id::uuid)', {
          at: cursor[0],
          id: cursor[1],
        });
      }
      return toConnection(await query.getMany(), size, (c) => [c.createdAt.toISOString(), c.id]);
    },

    async overdueCertificates(_parent, { first, after }, context) {
      requireStaff(context.viewer);
      const query = context.dataSource
        .getRepository(CertificateEntity)
        .createQueryBuilder('c')
        .where(`c.status = 'PENDING'`)
        .andWhere('c.dueOn < :today', { today: toCalendarDate(new Date()) });
      return paginate(
        query,
        [
          { sql: '"c"."due_on"', cast: 'date', orderBy: 'c.dueOn', value: (c) => c.dueOn },
          { sql: '"c"."id"', cast: 'uuid', orderBy: 'c.id', value: (c) => c.id },
        ],
        { first, after },
        { max: MAX_PAGE_SIZE },
      );
    },

    certificateIssuerKeys(_parent, _args, context) {
      return jwksOf(context.issuer.key);
    },

    async certificateStatusList(_parent, { list }, context) {
      const number = list ?? 1;
      if (!Number.isInteger(number) || number < 1 || number > MAX_STATUS_LISTS) {
        throw refuse.badInput(`list must be a status list number from 1 to ${MAX_STATUS_LISTS}`, {
          field: 'list',
        });
      }
      return signedStatusList(context.dataSource, context.issuer, number);
    },
  },

  Mutation: {
    correctCertificateHolderName(_parent, { input }, context) {
      requireStaff(context.viewer);
      return correctCertificateHolderName(context.dataSource, context.issuer, {
        certificateId: parseId(input.certificateId, 'input.certificateId'),
        holderName: parseText(input.holderName, {
          field: 'holderName',
          max: INPUT_LIMITS.holderName,
          shownPublicly: true,
        }),
        reason: parseText(input.reason, { field: 'reason', max: INPUT_LIMITS.reason, multiline: true }),
        correctedBy: context.viewer.subject,
      });
    },

    revokeCertificate(_parent, { input }, context) {
      requireStaff(context.viewer);
      return revokeCertificate(context.dataSource, {
        certificateId: parseId(input.certificateId, 'input.certificateId'),
        reason: parseText(input.reason, { field: 'reason', max: INPUT_LIMITS.reason, multiline: true }),
        requestId: context.requestId,
      });
    },
  },

  Certificate: {
    async __resolveReference(reference, context) {
      const ref = reference as { id?: string; number?: string };
      let certificate: CertificateEntity | null = null;
      if (ref.id !== undefined) {
        const [id] = knownIds([ref.id]);
        certificate = id ? await context.loaders.certificateById.load(id) : null;
      } else if (ref.number !== undefined) {
        const parsed = parseCertificateNumber(ref.number);
        certificate = parsed.ok ? await context.loaders.certificateByNumber.load(parsed.number) : null;
      }
      // Another subgraph's reference does not widen who may see a certificate.
      return certificate && canSeeCertificate(context.viewer, certificate) ? certificate : null;
    },
    examTitle: (certificate) => examTitle(certificate.examCode),
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
      return pageInMemory(await context.loaders.hardCopyOrdersByCertificateId.load(certificate.id), args, {
        max: MAX_PAGE_SIZE,
      });
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
      requireCandidateCertificatesReader(context.viewer, candidate.id);
      const [candidateId] = knownIds([candidate.id]);
      const all = candidateId ? await context.loaders.certificatesByCandidateId.load(candidateId) : [];
      return pageInMemory(visibleCertificates(context.viewer, all), args, { max: MAX_PAGE_SIZE });
    },
  },

  Sitting: {
    __resolveReference: (reference) => ({ id: (reference as { id: string }).id }),
    async certificate(sitting, _args, context) {
      const [sittingId] = knownIds([sitting.id]);
      if (!sittingId) return null;
      const certificate = await context.loaders.certificateBySittingId.load(sittingId);
      return certificate && canSeeCertificate(context.viewer, certificate) ? certificate : null;
    },
  },
};
