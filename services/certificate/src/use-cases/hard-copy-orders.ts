import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import {
  checkHardCopyOrderAllowed,
  transitionHardCopyOrder,
  type HardCopyAction,
  type HardCopyKind,
} from '../domain/hard-copy-order';
import type { ShippingAddress } from '../domain/shipping-address';
import { AtoDeliveryPreferenceEntity } from '../entities/ato-delivery-preference.entity';
import type { CertificateEntity } from '../entities/certificate.entity';
import { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import { HardCopyPriceEntity } from '../entities/hard-copy-price.entity';

async function priceOf(manager: EntityManager, kind: HardCopyKind): Promise<HardCopyPriceEntity> {
  const price = await manager.findOneBy(HardCopyPriceEntity, { kind });
  if (!price) throw new Error(`the price table has no price for ${kind} hard copies`);
  return price;
}

function newOrder(
  certificate: CertificateEntity,
  price: HardCopyPriceEntity,
  fields: Partial<HardCopyOrderEntity>,
): HardCopyOrderEntity {
  return Object.assign(new HardCopyOrderEntity(), {
    id: randomUUID(),
    certificateId: certificate.id,
    kind: price.kind,
    origin: 'CANDIDATE_ORDER',
    recipient: 'CANDIDATE',
    status: 'PENDING_PAYMENT',
    shippingAddress: null,
    priceAmountMinor: price.amountMinor,
    priceCurrency: price.currency,
    paidBy: 'CANDIDATE',
    paymentReference: null,
    trackingReference: null,
    cancellationReason: null,
    createdAt: new Date(),
    paidAt: null,
    printedAt: null,
    dispatchedAt: null,
    cancelledAt: null,
    ...fields,
  } satisfies HardCopyOrderEntity);
}

/**
 * The ATO asked for paper and electronic: the paper copy is ordered with the certificate, paid by
 * the ATO's course. Sent to the ATO (its address is known) or to the candidate (who gives theirs).
 */
export async function createAutomaticHardCopyOrder(
  manager: EntityManager,
  certificate: CertificateEntity,
): Promise<HardCopyOrderEntity | null> {
  if (!certificate.atoId) return null;
  const preference = await manager.findOneBy(AtoDeliveryPreferenceEntity, { atoId: certificate.atoId });
  if (!preference || preference.format !== 'PAPER_AND_ELECTRONIC') return null;
  const toAto = preference.recipient === 'ATO' && preference.atoAddress !== null;
  const now = new Date();
  const order = newOrder(certificate, await priceOf(manager, 'ORIGINAL'), {
    origin: 'ATO_DELIVERY_PREFERENCE',
    recipient: toAto ? 'ATO' : 'CANDIDATE',
    status: toAto ? 'PAID' : 'AWAITING_ADDRESS',
    shippingAddress: toAto ? preference.atoAddress : null,
    paidBy: 'ATO',
    paidAt: toAto ? now : null,
    createdAt: now,
  });
  await manager.insert(HardCopyOrderEntity, order);
  return order;
}

/** The holder orders a paper copy; the certificate must be issued and not revoked. */
export async function orderHardCopy(
  manager: EntityManager,
  certificate: CertificateEntity,
  kind: HardCopyKind,
  shippingAddress: ShippingAddress,
): Promise<HardCopyOrderEntity> {
  if (certificate.status !== 'ISSUED') {
    throw conflict(
      `Certificate ${certificate.number} is ${certificate.status}; only an issued certificate can be printed.`,
    );
  }
  // Lock the certificate row: two simultaneous orders must not both pass the check below.
  await manager.query(`SELECT 1 FROM "certificate" WHERE "id" = $1 FOR UPDATE`, [certificate.id]);
  const existing = await manager.find(HardCopyOrderEntity, {
    where: { certificateId: certificate.id },
    select: { status: true },
  });
  const refusal = checkHardCopyOrderAllowed(
    kind,
    existing.map((o) => o.status),
  );
  if (refusal) throw conflict(refusal);
  const order = newOrder(certificate, await priceOf(manager, kind), { shippingAddress });
  await manager.insert(HardCopyOrderEntity, order);
  return order;
}

/** Moves an order one step (locked, so two staff members cannot both dispatch it). */
export async function changeHardCopyOrder(
  manager: EntityManager,
  orderId: string,
  action: HardCopyAction,
  changes: Partial<HardCopyOrderEntity> = {},
  /** Checks the locked order before the change (e.g. what its holder may still do); throws to refuse. */
  guard?: (order: HardCopyOrderEntity) => void,
): Promise<HardCopyOrderEntity> {
  const order = await manager.findOne(HardCopyOrderEntity, {
    where: { id: orderId },
    lock: { mode: 'pessimistic_write' },
  });
  if (!order) throw notFound(`No hard copy order ${orderId}`);
  guard?.(order);
  const next = transitionHardCopyOrder(order.status, action);
  if (!next.ok) throw conflict(next.message);
  const now = new Date();
  const timestamps: Partial<HardCopyOrderEntity> =
    {
      PAID: { paidAt: now },
      PRINTED: { printedAt: now },
      DISPATCHED: { dispatchedAt: now },
      CANCELLED: { cancelledAt: now },
    }[next.status as 'PAID' | 'PRINTED' | 'DISPATCHED' | 'CANCELLED'] ?? {};
  Object.assign(order, changes, timestamps, { status: next.status });
  await manager.save(HardCopyOrderEntity, order);
  return order;
}

/** A revoked certificate is not printed: cancel its orders that have not been printed yet. */
export async function cancelUnprintedOrders(
  manager: EntityManager,
  certificateId: string,
  reason: string,
): Promise<void> {
  await manager.query(
    `UPDATE "hard_copy_order" SET "status" = 'CANCELLED', "cancelled_at" = now(), "cancellation_reason" = $2
     WHERE "certificate_id" = $1 AND "status" IN ('AWAITING_ADDRESS', 'PENDING_PAYMENT', 'PAID')`,
    [certificateId, reason],
  );
}
