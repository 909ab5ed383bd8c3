import { isSchemeStaff } from '@iso20000/auth';
import { parseId, parseText, refuse } from '@iso20000/service-kit';
import { requireRcbIntegration, requireStaffActor } from '../access';
import {
  acknowledgeCertificationTransfer,
  cancelCertificationTransferRequest,
  decideCertificationTransferObjection,
  objectToCertificationTransfer,
} from '../commands/answer-certification-transfer';
import type { CommandContext, Idempotency } from '../commands/certification-change';
import { extendCertificationScope } from '../commands/extend-certification-scope';
import { importCertifications, MAX_IMPORT_RECORDS } from '../commands/import-certifications';
import { issueCertification } from '../commands/issue-certification';
import { issueTransferAuthorization } from '../commands/issue-transfer-authorization';
import { recertifyCertification } from '../commands/recertify-certification';
import { recordSurveillanceAudit } from '../commands/record-surveillance-audit';
import { reduceCertificationScope } from '../commands/reduce-certification-scope';
import { reinstateCertification } from '../commands/reinstate-certification';
import { requestCertificationTransfer } from '../commands/request-certification-transfer';
import { suspendCertification } from '../commands/suspend-certification';
import { transferCertification } from '../commands/transfer-certification';
import { withdrawCertification } from '../commands/withdraw-certification';
import type { ServiceContext } from '../context';
import type { MutationResolvers } from '../generated/graphql';
import { uploadMutationResolvers } from './certification-upload.resolvers';
import { freshnessMutationResolvers } from './rcb-freshness.resolvers';
import {
  parseCertificateNumber,
  parseIdempotencyKey,
  toImportInput,
  toOrganization,
  toSites,
} from './inputs';

const commandContext = (ctx: ServiceContext): CommandContext => ({
  dataSource: ctx.dataSource,
  today: ctx.today,
  now: ctx.now,
  requestId: ctx.requestId,
  rcbStatusCopy: ctx.rcbStatusCopy,
});

/** The key and the request it stands for, as the client sent them. */
const once = (
  operation: string,
  args: { idempotencyKey: string } & Record<string, unknown>,
): Idempotency => ({ operation, key: parseIdempotencyKey(args.idempotencyKey), request: args });

/** The certification a change is for, and the version the client read. */
const target = (args: { id: string; expectedVersion: number }) => ({
  id: parseId(args.id, 'id'),
  expectedVersion: args.expectedVersion,
});

/**
 * Certification changes are an RCB integration's, for its own RCB; transfers involve both RCBs and
 * scheme staff (each command checks the caller's part). Each resolver calls one command.
 */
export const mutationResolvers: MutationResolvers<ServiceContext> = {
  ...freshnessMutationResolvers,
  ...uploadMutationResolvers,
  issueCertification: (_parent, args, ctx) => {
    const actor = requireRcbIntegration(ctx.viewer);
    const { input } = args;
    if (Boolean(input.organization) === Boolean(input.organizationId)) {
      throw refuse.badInput(
        'give either organization (a new organization) or organizationId (one your RCB already certifies)',
      );
    }
    return issueCertification(
      commandContext(ctx),
      actor,
      {
        certificateNumber: parseCertificateNumber(input.certificateNumber, 'input.certificateNumber'),
        organization: input.organization ? toOrganization(input.organization) : null,
        organizationId: input.organizationId ? parseId(input.organizationId, 'input.organizationId') : null,
        standard: input.standard ?? 'ISO_IEC_20000_1_2018',
        scope: input.scope,
        sites: toSites(input.sites ?? []),
        originalIssueDate: input.originalIssueDate,
        cycleStart: input.cycleStart,
        expiry: input.expiry,
      },
      once('issueCertification', args),
    );
  },

  suspendCertification: (_parent, args, ctx) =>
    suspendCertification(
      commandContext(ctx),
      requireRcbIntegration(ctx.viewer),
      {
        ...target(args),
        reason: args.reason,
        until: args.until,
        conformityJustification: args.conformityJustification,
      },
      once('suspendCertification', args),
    ),

  reinstateCertification: (_parent, args, ctx) =>
    reinstateCertification(
      commandContext(ctx),
      requireRcbIntegration(ctx.viewer),
      { ...target(args), reason: args.reason },
      once('reinstateCertification', args),
    ),

  withdrawCertification: (_parent, args, ctx) =>
    withdrawCertification(
      commandContext(ctx),
      requireRcbIntegration(ctx.viewer),
      { ...target(args), reason: args.reason, conformityJustification: args.conformityJustification },
      once('withdrawCertification', args),
    ),

  reduceCertificationScope: (_parent, args, ctx) =>
    reduceCertificationScope(
      commandContext(ctx),
      requireRcbIntegration(ctx.viewer),
      { ...target(args), scope: args.scope, sites: toSites(args.sites), reason: args.reason },
      once('reduceCertificationScope', args),
    ),

  extendCertificationScope: (_parent, args, ctx) =>
    extendCertificationScope(
      commandContext(ctx),
      requireRcbIntegration(ctx.viewer),
      { ...target(args), scope: args.scope, sites: toSites(args.sites), reason: args.reason },
      once('extendCertificationScope', args),
    ),

  recordSurveillanceAudit: (_parent, args, ctx) =>
    recordSurveillanceAudit(
      commandContext(ctx),
      requireRcbIntegration(ctx.viewer),
      { ...target(args), auditedOn: args.auditedOn },
      once('recordSurveillanceAudit', args),
    ),

  recertifyCertification: (_parent, args, ctx) =>
    recertifyCertification(
      commandContext(ctx),
      requireRcbIntegration(ctx.viewer),
      {
        ...target(args),
        cycleStart: args.cycleStart,
        expiry: args.expiry,
        scope: args.scope,
        sites: args.sites ? toSites(args.sites) : null,
      },
      once('recertifyCertification', args),
    ),

  // Scheme staff only: an RCB that wants a certification requests its transfer (IAF MD 2).
  transferCertification: (_parent, args, ctx) => {
    if (ctx.viewer.role === 'rcb_integration')
      throw refuse.forbidden(
        'an RCB does not take over a certification directly: request its transfer with requestCertificationTransfer (the organization authorizes it; the issuing RCB is told and may object)',
      );
    const actor = requireStaffActor(ctx.viewer);
    if (!args.toRcbId) throw refuse.badInput('toRcbId is required: the RCB that accepts the certification');
    return transferCertification(
      commandContext(ctx),
      actor,
      {
        ...target(args),
        toRcbId: parseId(args.toRcbId, 'toRcbId'),
        certificateNumber: args.certificateNumber ? parseCertificateNumber(args.certificateNumber) : null,
        reason: args.reason,
      },
      once('transferCertification', args),
    );
  },

  issueTransferAuthorization: (_parent, args, ctx) => {
    const actor = isSchemeStaff(ctx.viewer)
      ? requireStaffActor(ctx.viewer)
      : requireRcbIntegration(ctx.viewer);
    return issueTransferAuthorization(commandContext(ctx), actor, {
      certificationId: parseId(args.certificationId, 'certificationId'),
      validDays: ctx.settings.transferCodeValidDays,
    });
  },

  requestCertificationTransfer: (_parent, args, ctx) => {
    const actor = requireRcbIntegration(ctx.viewer);
    const { input } = args;
    return requestCertificationTransfer(
      commandContext(ctx),
      actor,
      {
        certificationId: parseId(input.certificationId, 'input.certificationId'),
        authorizationCode: parseText(input.authorizationCode, { field: 'input.authorizationCode', max: 100 }),
        review: {
          reviewedOn: input.review.reviewedOn,
          reviewer: input.review.reviewer,
          findings: input.review.findings,
          openNonconformities: input.review.openNonconformities ?? [],
        },
        certificateNumber: input.certificateNumber
          ? parseCertificateNumber(input.certificateNumber, 'input.certificateNumber')
          : null,
        reason: input.reason,
        objectionDays: ctx.settings.transferObjectionDays,
      },
      once('requestCertificationTransfer', args),
    );
  },

  objectToCertificationTransfer: (_parent, args, ctx) =>
    objectToCertificationTransfer(
      commandContext(ctx),
      requireRcbIntegration(ctx.viewer),
      { id: parseId(args.id, 'id'), reason: args.reason },
      once('objectToCertificationTransfer', args),
    ),

  acknowledgeCertificationTransfer: (_parent, args, ctx) =>
    acknowledgeCertificationTransfer(
      commandContext(ctx),
      isSchemeStaff(ctx.viewer) ? requireStaffActor(ctx.viewer) : requireRcbIntegration(ctx.viewer),
      { id: parseId(args.id, 'id') },
      once('acknowledgeCertificationTransfer', args),
    ),

  decideCertificationTransferObjection: (_parent, args, ctx) =>
    decideCertificationTransferObjection(
      commandContext(ctx),
      requireStaffActor(ctx.viewer),
      { id: parseId(args.id, 'id'), uphold: args.uphold, reason: args.reason },
      once('decideCertificationTransferObjection', args),
    ),

  cancelCertificationTransferRequest: (_parent, args, ctx) =>
    cancelCertificationTransferRequest(
      commandContext(ctx),
      requireRcbIntegration(ctx.viewer),
      { id: parseId(args.id, 'id'), reason: args.reason },
      once('cancelCertificationTransferRequest', args),
    ),

  upsertCertifications: (_parent, args, ctx) => {
    const actor = requireRcbIntegration(ctx.viewer);
    if (args.input.length === 0) throw refuse.badInput('input must hold at least one record');
    if (args.input.length > MAX_IMPORT_RECORDS) {
      throw refuse.badInput(
        `at most ${MAX_IMPORT_RECORDS} records per call, got ${args.input.length}: split the import`,
      );
    }
    return importCertifications(commandContext(ctx), actor, {
      records: args.input.map(toImportInput),
      dryRun: args.dryRun ?? false,
    });
  },
};
