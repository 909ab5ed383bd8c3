import { createHash, randomUUID } from 'node:crypto';
import { requireRole, type Viewer } from '@iso20000/auth';
import { badUserInput, conflict, forbidden, notFound } from '@iso20000/service-kit';
import { GraphQLError } from 'graphql';
import type { EntityManager } from 'typeorm';
import type { ServiceContext } from '../context';
import {
  extendScope,
  issue,
  LifecycleRefusal,
  recertify,
  recordSurveillance,
  reduceScope,
  reinstate,
  suspend,
  transfer,
  withdraw,
  type CertifiedSite,
  type LifecycleStep,
  type PostalAddress,
  type RcbStatus,
  type StepContext,
} from '../domain/certification-lifecycle';
import { checkOrganization, type OrganizationDetails } from '../domain/certification-import';
import { foldName } from '../domain/search-text';
import { CertificationHistoryEntity } from '../entities/certification-history.entity';
import { CertifiedOrganizationEntity } from '../entities/certified-organization.entity';
import { IdempotencyRecordEntity } from '../entities/idempotency-record.entity';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { RcbEntity } from '../entities/rcb.entity';
import type {
  CertifiedOrganizationInput,
  CertifiedSiteInput,
  MutationResolvers,
  RegistryAddressInput,
} from '../generated/graphql';
import {
  certificationAfter,
  certificationFromJson,
  historyEntry,
  recordCertificationChanged,
  saveStep,
  stateOf,
  type ChangeAuthor,
} from '../writes/certification-writes';

export interface CertificationPayload {
  certification: OrganizationCertificationEntity;
  replayed: boolean;
}

/** A refused lifecycle step, as the GraphQL error a client can act on. */
export function asClientError(err: unknown): unknown {
  if (err instanceof LifecycleRefusal)
    return new GraphQLError(err.message, { extensions: { code: err.code } });
  return err;
}

export function toAddress(input: RegistryAddressInput): PostalAddress {
  return {
    lines: input.lines,
    city: input.city,
    postalCode: input.postalCode ?? null,
    country: input.country.toUpperCase(),
  };
}

export function toSites(input: readonly CertifiedSiteInput[]): CertifiedSite[] {
  return input.map((site) => ({ address: toAddress(site.address), scope: site.scope }));
}

export function toOrganization(input: CertifiedOrganizationInput): OrganizationDetails {
  return {
    legalName: input.legalName,
    otherNames: input.otherNames ?? [],
    country: input.country.toUpperCase(),
    address: toAddress(input.address),
    publicListing: input.publicListing,
  };
}

/** Only an RCB integration changes certifications, and it acts for its own RCB. */
export function requireRcbIntegration(viewer: Viewer): {
  rcbId: string;
  author: Omit<ChangeAuthor, 'requestId'>;
} {
  requireRole(viewer, 'rcb_integration');
  if (!viewer.rcbId) throw forbidden('This credential is not bound to an RCB');
  return { rcbId: viewer.rcbId, author: { actor: viewer.subject ?? `rcb:${viewer.rcbId}` } };
}

export async function rcbStatusOf(manager: EntityManager, rcbId: string): Promise<RcbStatus | null> {
  const rcb = await manager.getRepository(RcbEntity).findOneBy({ id: rcbId });
  return rcb?.status ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireUuid(value: string, field: string): string {
  if (!UUID.test(value))
    throw badUserInput(`${field} must be an id this API issued (a uuid), got "${value}"`);
  return value.toLowerCase();
}

/** Builds the organization row for new (checked) details. */
export function organizationRow(
  id: string,
  details: OrganizationDetails,
  now: Date,
  createdAt?: Date,
): CertifiedOrganizationEntity {
  const org = new CertifiedOrganizationEntity();
  Object.assign(org, {
    id,
    ...details,
    searchText: [details.legalName, ...details.otherNames].join(' | '),
    sortName: foldName(details.legalName),
    createdAt: createdAt ?? now,
    updatedAt: now,
  });
  return org;
}

/**
 * Runs a single-record mutation once per idempotency key: the key is claimed in the mutation's own
 * transaction, so a concurrent retry waits for the first and then gets its stored result; a failed
 * attempt leaves no key behind and may be retried.
 */
async function once(
  ctx: ServiceContext,
  operation: string,
  args: Record<string, unknown>,
  work: (
    manager: EntityManager,
    rcbId: string,
    author: ChangeAuthor,
  ) => Promise<OrganizationCertificationEntity>,
): Promise<CertificationPayload> {
  const { rcbId, author } = requireRcbIntegration(ctx.viewer);
  const key = String(args.idempotencyKey ?? '');
  if (key.length < 8 || key.length > 200)
    throw badUserInput('idempotencyKey must be 8 to 200 characters (a uuid is a good choice)');
  const requestHash = createHash('sha256')
    .update(JSON.stringify([operation, args]))
    .digest('hex');
  try {
    return await ctx.dataSource.transaction(async (manager) => {
      const claimed = (await manager.query(
        `INSERT INTO "idempotency_record" ("rcb_id", "key", "operation", "request_hash", "response", "created_at")
         VALUES ($1, $2, $3, $4, 'null'::jsonb, now()) ON CONFLICT DO NOTHING RETURNING "key"`,
        [rcbId, key, operation, requestHash],
      )) as unknown[];
      if (claimed.length === 0) {
        const first = await manager.getRepository(IdempotencyRecordEntity).findOneByOrFail({ rcbId, key });
        if (first.requestHash !== requestHash) {
          throw conflict(
            `idempotencyKey "${key}" was already used for a different request (${first.operation}); use a new key`,
          );
        }
        return { certification: certificationFromJson(first.response), replayed: true };
      }
      const certification = await work(manager, rcbId, { ...author, requestId: ctx.requestId });
      await manager
        .getRepository(IdempotencyRecordEntity)
        .update({ rcbId, key }, { response: certification });
      return { certification, replayed: false };
    });
  } catch (err) {
    throw translateUniqueViolation(asClientError(err));
  }
}

function translateUniqueViolation(err: unknown): unknown {
  const driverError = (err as { driverError?: { code?: string; constraint?: string } }).driverError;
  if (driverError?.code === '23505' && driverError.constraint === 'uq_organization_certification_number') {
    return conflict('your RCB already has a certification with this certificate number');
  }
  return err;
}

/** Locks the certification, checks it belongs to the caller's RCB and that the client read the latest version. */
async function lockOwn(
  manager: EntityManager,
  id: string,
  rcbId: string,
  expectedVersion: number,
  options: { allowOtherRcb?: boolean } = {},
): Promise<OrganizationCertificationEntity> {
  const certification = await manager
    .getRepository(OrganizationCertificationEntity)
    .findOne({ where: { id: requireUuid(id, 'id') }, lock: { mode: 'pessimistic_write' } });
  if (!certification) throw notFound(`No certification with id ${id}`);
  if (!options.allowOtherRcb && certification.rcbId !== rcbId) {
    throw forbidden('This certification belongs to another RCB: an RCB changes only its own certifications');
  }
  if (certification.version !== expectedVersion) {
    throw conflict(
      `stale version: you sent expectedVersion ${expectedVersion}, the certification is at version ${certification.version} (status ${certification.status}); read it again`,
      { currentVersion: certification.version },
    );
  }
  return certification;
}

type StepFn = (certification: OrganizationCertificationEntity, ctx: StepContext) => LifecycleStep;

function lifecycleMutation(operation: string, step: StepFn, options: { needsRcbStatus?: boolean } = {}) {
  return (
    ctx: ServiceContext,
    args: { id: string; expectedVersion: number; idempotencyKey: string } & Record<string, unknown>,
  ) =>
    once(ctx, operation, args, async (manager, rcbId, author) => {
      const before = await lockOwn(manager, args.id, rcbId, args.expectedVersion);
      const rcbStatus = options.needsRcbStatus ? await rcbStatusOf(manager, rcbId) : null;
      return saveStep(manager, before, step(before, { today: ctx.today, rcbStatus }), author);
    });
}

export const certificationMutations: Pick<
  MutationResolvers<ServiceContext>,
  | 'issueCertification'
  | 'suspendCertification'
  | 'reinstateCertification'
  | 'withdrawCertification'
  | 'reduceCertificationScope'
  | 'extendCertificationScope'
  | 'recordSurveillanceAudit'
  | 'recertifyCertification'
  | 'transferCertification'
> = {
  issueCertification: (_parent, args, ctx) =>
    once(ctx, 'issueCertification', args, async (manager, rcbId, author) => {
      const { input } = args;
      if (Boolean(input.organization) === Boolean(input.organizationId)) {
        throw badUserInput(
          'give either organization (a new organization) or organizationId (one your RCB already certifies)',
        );
      }
      const step = issue(
        {
          rcbId,
          certificateNumber: input.certificateNumber,
          standard: input.standard ?? 'ISO_IEC_20000_1_2018',
          scope: input.scope,
          sites: toSites(input.sites ?? []),
          originalIssueDate: input.originalIssueDate,
          cycleStart: input.cycleStart,
          expiry: input.expiry,
        },
        { today: ctx.today, rcbStatus: await rcbStatusOf(manager, rcbId) },
      );
      const now = new Date();
      let organizationId: string;
      if (input.organizationId) {
        organizationId = requireUuid(input.organizationId, 'organizationId');
        const held = await manager
          .getRepository(OrganizationCertificationEntity)
          .existsBy({ organizationId, rcbId });
        if (!held)
          throw forbidden(
            'organizationId must be an organization your RCB already certifies; send organization details instead',
          );
      } else {
        const details = checkOrganization(toOrganization(input.organization as CertifiedOrganizationInput));
        organizationId = randomUUID();
        await manager
          .getRepository(CertifiedOrganizationEntity)
          .insert(organizationRow(organizationId, details, now));
      }
      const existing = await manager
        .getRepository(OrganizationCertificationEntity)
        .existsBy({ rcbId, certificateNumber: step.state.certificateNumber });
      if (existing)
        throw conflict(
          `your RCB already has certificate number ${step.state.certificateNumber}: change it with its id, or use upsertCertifications`,
        );
      const after = certificationAfter(null, step, { id: randomUUID(), organizationId }, now);
      await manager.getRepository(OrganizationCertificationEntity).insert(after);
      await manager
        .getRepository(CertificationHistoryEntity)
        .insert(historyEntry(null, after, step, author, now));
      await recordCertificationChanged(manager, after, step, author, now);
      return after;
    }),

  suspendCertification: (_parent, args, ctx) =>
    lifecycleMutation('suspendCertification', (c, sc) =>
      suspend(stateOf(c), { reason: args.reason, until: args.until }, sc),
    )(ctx, args),

  reinstateCertification: (_parent, args, ctx) =>
    lifecycleMutation('reinstateCertification', (c, sc) =>
      reinstate(stateOf(c), { reason: args.reason }, sc),
    )(ctx, args),

  withdrawCertification: (_parent, args, ctx) =>
    lifecycleMutation('withdrawCertification', (c, sc) => withdraw(stateOf(c), { reason: args.reason }, sc))(
      ctx,
      args,
    ),

  reduceCertificationScope: (_parent, args, ctx) =>
    lifecycleMutation('reduceCertificationScope', (c, sc) =>
      reduceScope(stateOf(c), { scope: args.scope, sites: toSites(args.sites), reason: args.reason }, sc),
    )(ctx, args),

  extendCertificationScope: (_parent, args, ctx) =>
    lifecycleMutation('extendCertificationScope', (c, sc) =>
      extendScope(stateOf(c), { scope: args.scope, sites: toSites(args.sites), reason: args.reason }, sc),
    )(ctx, args),

  recordSurveillanceAudit: (_parent, args, ctx) =>
    lifecycleMutation('recordSurveillanceAudit', (c, sc) =>
      recordSurveillance(stateOf(c), { auditedOn: args.auditedOn }, sc),
    )(ctx, args),

  recertifyCertification: (_parent, args, ctx) =>
    lifecycleMutation(
      'recertifyCertification',
      (c, sc) =>
        recertify(
          stateOf(c),
          {
            cycleStart: args.cycleStart,
            expiry: args.expiry,
            scope: args.scope,
            sites: args.sites ? toSites(args.sites) : null,
          },
          sc,
        ),
      { needsRcbStatus: true },
    )(ctx, args),

  // The accepting RCB acts here, on a certification another RCB holds (IAF MD 2).
  transferCertification: (_parent, args, ctx) =>
    once(ctx, 'transferCertification', args, async (manager, rcbId, author) => {
      const before = await lockOwn(manager, args.id, rcbId, args.expectedVersion, { allowOtherRcb: true });
      const step = transfer(
        stateOf(before),
        { toRcbId: rcbId, certificateNumber: args.certificateNumber, reason: args.reason },
        { today: ctx.today, rcbStatus: await rcbStatusOf(manager, rcbId) },
      );
      const taken = await manager
        .getRepository(OrganizationCertificationEntity)
        .existsBy({ rcbId, certificateNumber: step.state.certificateNumber });
      if (taken)
        throw conflict(
          `your RCB already has certificate number ${step.state.certificateNumber}: send another certificateNumber`,
        );
      return saveStep(manager, before, step, author);
    }),
};
