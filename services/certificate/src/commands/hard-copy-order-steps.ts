import { randomUUID } from 'node:crypto';
import { refuse } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import { transitionHardCopyOrder, type HardCopyAction, type HardCopyKind } from '../domain/hard-copy-order';
import type { CertificateEntity } from '../entities/certificate.entity';
import { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import { HardCopyPriceEntity } from '../entities/hard-copy-price.entity';

/** What the hard copy commands share: the price table, a new order's defaults, one locked step. */

export async function priceOf(manager: EntityManager, kind: HardCopyKind): Promise<HardCopyPriceEntity> {
  const price = await manager.findOneBy(HardCopyPriceEntity, { kind });
  if (!price) throw new Error(`the price table has no price for ${kind} hard copies`);
  return price;
}

export function newOrder(
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

/** Moves an order one step (locked, so two staff members cannot both dispatch it). */
export async function stepHardCopyOrder(
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
  if (!order) throw refuse.notFound(`No hard copy order ${orderId}`);
  guard?.(order);
  const next = transitionHardCopyOrder(order.status, action);
  if (!next.ok) throw refuse.conflict(next.message);
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
