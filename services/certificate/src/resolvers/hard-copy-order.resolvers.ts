import {
  clampPageSize,
  decodeCursorAs,
  parseId,
  parseText,
  refuse,
  toConnection,
} from '@iso20000/service-kit';
import {
  hardCopyCanceller,
  hardCopyOrderScope,
  requireCertificateAccess,
  requireHolder,
  requireStaff,
} from '../access';
import { cancelHardCopyOrder } from '../commands/cancel-hard-copy-order';
import { markHardCopyDispatched } from '../commands/mark-hard-copy-dispatched';
import { markHardCopyPrinted } from '../commands/mark-hard-copy-printed';
import { orderHardCopy } from '../commands/order-hard-copy';
import { provideHardCopyShippingAddress } from '../commands/provide-hard-copy-shipping-address';
import { recordHardCopyPayment } from '../commands/record-hard-copy-payment';
import { validateShippingAddress, type ShippingAddress } from '../domain/shipping-address';
import type { CertificateEntity } from '../entities/certificate.entity';
import { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import type { HardCopyShippingAddressInput, Resolvers } from '../generated/graphql';
import { INPUT_LIMITS, MAX_PAGE_SIZE } from '../limits';
import type { ServiceContext } from '../context';

function shippingAddressFrom(input: HardCopyShippingAddressInput): ShippingAddress {
  const checked = validateShippingAddress({
    recipientName: input.recipientName,
    lines: input.lines,
    city: input.city,
    postalCode: input.postalCode ?? null,
    country: input.country,
  });
  if (!checked.ok)
    throw refuse.badInput(`shippingAddress.${checked.field}: ${checked.message}`, {
      field: `shippingAddress.${checked.field}`,
    });
  return checked.address;
}

/** The order and its certificate, which decides who may act on it. */
async function loadOrder(
  context: ServiceContext,
  orderId: string,
): Promise<{ order: HardCopyOrderEntity; certificate: CertificateEntity }> {
  const order = await context.dataSource
    .getRepository(HardCopyOrderEntity)
    .findOneBy({ id: parseId(orderId, 'orderId') });
  const certificate = order ? await context.loaders.certificateById.load(order.certificateId) : null;
  if (!order || !certificate) throw refuse.notFound(`No hard copy order ${orderId}`);
  return { order, certificate };
}

export const hardCopyOrderResolvers: Resolvers = {
  Query: {
    async hardCopyOrders(_parent, { status, first, after }, context) {
      const scope = hardCopyOrderScope(context.viewer);
      const size = clampPageSize(first, MAX_PAGE_SIZE);
      // Newest first: (created_at, id) descending.
      const query = context.dataSource
        .getRepository(HardCopyOrderEntity)
        .createQueryBuilder('o')
        .orderBy('o.createdAt', 'DESC')
        .addOrderBy('o.id', 'DESC')
        .limit(size + 1);
      if ('atoId' in scope) {
        query.innerJoin('certificate', 'c', 'c.id = o.certificate_id AND c.ato_id = :atoId', {
          atoId: scope.atoId,
        });
      } else if ('candidateId' in scope) {
        query.innerJoin('certificate', 'c', 'c.id = o.certificate_id AND c.candidate_id = :candidateId', {
          candidateId: scope.candidateId,
        });
      }
      if (status) query.andWhere('o.status = :status', { status });
      const cursor = decodeCursorAs(after, ['instant', 'uuid']);
      if (cursor) {
        query.andWhere('(o.created_at, o.id) < (:at::timestamptz, :id::uuid)', {
          at: cursor[0],
          id: cursor[1],
        });
      }
      return toConnection(await query.getMany(), size, (o) => [o.createdAt.toISOString(), o.id]);
    },
  },

  Mutation: {
    async orderCertificateHardCopy(_parent, { input }, context) {
      const certificate = await context.loaders.certificateById.load(
        parseId(input.certificateId, 'input.certificateId'),
      );
      if (!certificate) throw refuse.notFound(`No certificate ${input.certificateId}`);
      requireHolder(context.viewer, certificate);
      return orderHardCopy(context.dataSource, {
        certificate,
        kind: input.kind ?? 'ORIGINAL',
        shippingAddress: shippingAddressFrom(input.shippingAddress),
      });
    },

    async provideHardCopyShippingAddress(_parent, { orderId, shippingAddress }, context) {
      const { order, certificate } = await loadOrder(context, orderId);
      requireHolder(context.viewer, certificate);
      return provideHardCopyShippingAddress(context.dataSource, {
        orderId: order.id,
        shippingAddress: shippingAddressFrom(shippingAddress),
      });
    },

    recordHardCopyPayment(_parent, { orderId, paymentReference }, context) {
      requireStaff(context.viewer);
      return recordHardCopyPayment(context.dataSource, {
        orderId: parseId(orderId, 'orderId'),
        paymentReference: parseText(paymentReference, {
          field: 'paymentReference',
          max: INPUT_LIMITS.paymentReference,
        }),
      });
    },

    markHardCopyPrinted(_parent, { orderId }, context) {
      requireStaff(context.viewer);
      return markHardCopyPrinted(context.dataSource, { orderId: parseId(orderId, 'orderId') });
    },

    markHardCopyDispatched(_parent, { orderId, trackingReference }, context) {
      requireStaff(context.viewer);
      return markHardCopyDispatched(context.dataSource, {
        orderId: parseId(orderId, 'orderId'),
        trackingReference: parseText(trackingReference, {
          field: 'trackingReference',
          max: INPUT_LIMITS.trackingReference,
        }),
      });
    },

    async cancelHardCopyOrder(_parent, { orderId, reason }, context) {
      const { order, certificate } = await loadOrder(context, orderId);
      const by = hardCopyCanceller(context.viewer, certificate);
      return cancelHardCopyOrder(context.dataSource, {
        orderId: order.id,
        reason: parseText(reason, { field: 'reason', max: INPUT_LIMITS.reason, multiline: true }),
        by,
      });
    },
  },

  HardCopyOrder: {
    async certificate(order, _args, context) {
      const certificate = await context.loaders.certificateById.load(order.certificateId);
      if (!certificate) throw new Error(`order ${order.id} refers to a missing certificate`);
      requireCertificateAccess(context.viewer, certificate);
      return certificate;
    },
    price: (order) => ({ amount: (order.priceAmountMinor / 100).toFixed(2), currency: order.priceCurrency }),
  },
};
