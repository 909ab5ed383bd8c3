import { randomUUID } from 'node:crypto';
import { Events } from '@iso20000/events';
import { RCB_ACTIVE_STATUS } from '@iso20000/scheme';
import { refuse } from '@iso20000/service-kit';
import type { RcbActor } from '../access';
import { checkCertificateNumber, effectiveStatus } from '../domain/certification-lifecycle';
import {
  checkPreTransferReview,
  objectionDeadline,
  optionalTransferReason,
  type PreTransferReview,
} from '../domain/certification-transfer';
import { CertificationTransferEntity } from '../entities/certification-transfer.entity';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { TransferAuthorizationEntity } from '../entities/transfer-authorization.entity';
import {
  lockCertification,
  rcbStatusOf,
  runOnceFor,
  type CommandContext,
  type Idempotency,
} from './certification-change';
import { transferCodeHash } from './issue-transfer-authorization';
import { openTransferOf, saveTransferStep, storedTransfer, type TransferPayload } from './transfer-rows';

export interface RequestCertificationTransfer {
  certificationId: string;
  /** The organization's authorization: the one-time code its RCB (or scheme staff) issued. */
  authorizationCode: string;
  review: PreTransferReview;
  /** The accepting RCB's own number for it; it keeps the current one when absent. */
  certificateNumber?: string | null;
  reason?: string | null;
  /** The issuing RCB's objection window, in days. */
  objectionDays: number;
}

/**
 * The accepting RCB (the actor) asks to take a certification over (IAF MD 2): with the organization's
 * one-time code (checked first: without it nothing about the certification is decided), its
 * pre-transfer review, while the certification is valid and no other transfer is open. The issuing
 * RCB is told (event) and may object until the window ends.
 */
export async function requestCertificationTransfer(
  ctx: CommandContext,
  actor: RcbActor,
  command: RequestCertificationTransfer,
  idempotency: Idempotency,
): Promise<TransferPayload> {
  const { result, replayed } = await runOnceFor(
    ctx,
    actor,
    idempotency,
    storedTransfer,
    async (manager, author) => {
      const certification = await lockCertification(manager, command.certificationId);
      const authorization = await manager
        .getRepository(TransferAuthorizationEntity)
        .createQueryBuilder('a')
        .where('a.code_hash = :hash', { hash: transferCodeHash(command.authorizationCode) })
        .setLock('pessimistic_write')
        .getOne();
      if (
        !authorization ||
        authorization.certificationId !== certification.id ||
        authorization.usedAt ||
        authorization.revokedAt ||
        authorization.expiresAt <= ctx.now
      ) {
        throw refuse.forbidden(
          'the transfer code does not authorize a transfer of this certification (wrong, already used, replaced or expired): ask the organization for a new code',
        );
      }
      if (certification.rcbId === actor.rcbId)
        throw refuse.conflict('the certification is already held by your RCB');
      const status = effectiveStatus(certification, ctx.today);
      if (status !== 'CERTIFIED')
        throw refuse.conflict(
          `cannot transfer a certification that is ${status}${status === 'SUSPENDED' ? ': a suspended certification is not transferable (IAF MD 2)' : ''}`,
        );
      const pending = await openTransferOf(manager, certification.id);
      if (pending)
        throw refuse.conflict(
          `a transfer of this certification is already ${pending.status} (requested ${pending.requestedAt.toISOString()}): one transfer at a time`,
        );
      const rcbStatus = await rcbStatusOf(ctx, manager, actor.rcbId);
      if (rcbStatus !== RCB_ACTIVE_STATUS)
        throw refuse.conflict(
          `your RCB is ${rcbStatus ?? 'not known to the registry'}: only an ${RCB_ACTIVE_STATUS} RCB may accept a transferred certification`,
        );
      const review = checkPreTransferReview(command.review, ctx.today);
      const newCertificateNumber = command.certificateNumber
        ? checkCertificateNumber(command.certificateNumber)
        : null;
      const number = newCertificateNumber ?? certification.certificateNumber;
      if (
        await manager
          .getRepository(OrganizationCertificationEntity)
          .existsBy({ rcbId: actor.rcbId, certificateNumber: number })
      )
        throw refuse.conflict(
          `your RCB already has certificate number ${number}: send another certificateNumber for it`,
        );

      await manager
        .getRepository(TransferAuthorizationEntity)
        .update({ id: authorization.id }, { usedAt: ctx.now });
      const transfer = new CertificationTransferEntity();
      Object.assign(transfer, {
        id: randomUUID(),
        certificationId: certification.id,
        certificateNumber: certification.certificateNumber,
        fromRcbId: certification.rcbId,
        toRcbId: actor.rcbId,
        newCertificateNumber,
        status: 'PENDING',
        review,
        reason: optionalTransferReason(command.reason),
        authorizationId: authorization.id,
        requestedBy: author.actor,
        requestedAt: ctx.now,
        objectionDeadline: objectionDeadline(ctx.now, command.objectionDays),
        objection: null,
        objectedBy: null,
        objectedAt: null,
        decisionReason: null,
        decidedBy: null,
        decidedAt: null,
        outcome: null,
        closeReason: null,
        closedBy: null,
        closedAt: null,
      });
      return saveTransferStep(
        manager,
        transfer,
        Events.CertificationTransferRequested,
        transfer.reason,
        author,
        ctx.now,
      );
    },
  );
  return { transfer: result, replayed };
}
