import { requireRole, requireSchemeStaff } from '@iso20000/auth';
import { badUserInput, clampPageSize, forbidden, notFound } from '@iso20000/service-kit';
import { requireCertificateAccess, requireHolder } from '../authorization';
import { validateShippingAddress, type ShippingAddress } from '../domain/shipping-address';
import { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import type { CertificateEntity } from '../entities/certificate.entity';
import type { HardCopyShippingAddressInput, Resolvers } from '../generated/graphql';
import type { ServiceContext } from '../context';
import { changeHardCopyOrder, orderHardCopy } from '../use-cases/hard-copy-orders';
import { requireId, requireText } from './input';
import { connectionOf, keysetAfter, MAX_PAGE_SIZE } from './pagination';

function shippingAddressFrom(input: HardCopyShippingAddressInput): ShippingAddress {
  const checked = validateShippingAddress({
    recipientName: input.recipientName,
    lines: input.lines,
    city: input.city,
    postalCode: input.postalCode ?? null,
    country: input.country,
  });
  if (!checked.ok)
    throw badUserInput(`shippingAddress.${checked.field}: ${checked.message}`, {
      field: `shippingAddress.${checked.field}`,
    });
  return checked.address;
}

async function loadOrder(
  context: ServiceContext,
  orderId: string,
): Promise<{ order: HardCopyOrderEntity; certificate: CertificateEntity }> {
  const order = await context.dataSource
    .getRepository(HardCopyOrderEntity)
    .findOneBy({ id: requireId(orderId, 'hard copy order') });
  const certificate = order ? await context.loaders.certificateById.load(order.certificateId) : null;
  if (!order || !certificate) throw notFound(`No hard copy order ${orderId}`);
  return { order, certificate };
}

async function staffChange(
  context: ServiceContext,
  orderId: string,
  change: Parameters<typeof changeHardCopyOrder>[2],
  fields: Partial<HardCopyOrderEntity> = {},
) {
  requireSchemeStaff(context.viewer);
  const id = requireId(orderId, 'hard copy order');
  return context.dataSource.transaction((manager) => changeHardCopyOrder(manager, id, change, fields));
}

export const hardCopyOrderResolvers: Resolvers = {
  Query: {
    async hardCopyOrders(_parent, { status, first, after }, context) {
      const { viewer } = context;
      requireRole(viewer, 'scheme_staff', 'ato_staff', 'candidate');
      const size = clampPageSize(first, MAX_PAGE_SIZE);
      const query = context.dataSource
        .getRepository(HardCopyOrderEntity)
        .createQueryBuilder('o')
        .orderBy('o.createdAt', 'DESC')
        .addOrderBy('o.id', 'DESC')
        .limit(size + 1);
      if (viewer.role === 'ato_staff') {
        if (!viewer.atoId) throw forbidden('This ATO staff account names no ATO');
        query.innerJoin('certificate', 'c', 'c.id = o.certificate_id AND c.ato_id = :atoId', {
          atoId: viewer.atoId,
        });
      } else if (viewer.role === 'candidate') {
        if (!viewer.candidateId) throw forbidden('This candidate account names no candidate');
        query.innerJoin('certificate', 'c', 'c.id = o.certificate_id AND c.candidate_id = :candidateId', {
          candidateId: viewer.candidateId,
        });
      }
      if (status) query.andWhere('o.status = :status', { status });
      const cursor = keysetAfter(after);
      if (cursor) query.andWhere('(o.created_at, o.id) < (:at::timestamptz, :id::uuid)', cursor);
      return connectionOf(await query.getMany(), size, (o) => [o.createdAt.toISOString(), o.id]);
    },
  },

  Mutation: {
    async orderCertificateHardCopy(_parent, { input }, context) {
      const certificate = await context.loaders.certificateById.load(
        requireId(input.certificateId, 'certificate'),
      );
      if (!certificate) throw notFound(`No certificate ${input.certificateId}`);
      requireHolder(context.viewer, certificate);
      const address = shippingAddressFrom(input.shippingAddress);
      return context.dataSource.transaction((manager) =>
        orderHardCopy(manager, certificate, input.kind ?? 'ORIGINAL', address),
      );
    },

    async provideHardCopyShippingAddress(_parent, { orderId, shippingAddress }, context) {
      const { order, certificate } = await loadOrder(context, orderId);
      requireHolder(context.viewer, certificate);
      if (order.recipient !== 'CANDIDATE')
        throw forbidden('This copy is sent to the ATO; its address comes from the ATO');
      const address = shippingAddressFrom(shippingAddress);
      return context.dataSource.transaction((manager) =>
        changeHardCopyOrder(manager, order.id, 'PROVIDE_ADDRESS', { shippingAddress: address }),
      );
    },

    recordHardCopyPayment: (_parent, { orderId, paymentReference }, context) =>
      staffChange(context, orderId, 'RECORD_PAYMENT', {
        paymentReference: requireText(paymentReference, 'paymentReference', 200),
      }),

    markHardCopyPrinted: (_parent, { orderId }, context) => staffChange(context, orderId, 'MARK_PRINTED'),

    markHardCopyDispatched: (_parent, { orderId, trackingReference }, context) =>
      staffChange(context, orderId, 'MARK_DISPATCHED', {
        trackingReference: requireText(trackingReference, 'trackingReference', 200),
      }),

    async cancelHardCopyOrder(_parent, { orderId, reason }, context) {
      const { viewer } = context;
      const { order, certificate } = await loadOrder(context, orderId);
      const cancellationReason = requireText(reason, 'reason', 2000);
      let guard: ((locked: HardCopyOrderEntity) => void) | undefined;
      if (viewer.role !== 'scheme_staff') {
        requireHolder(viewer, certificate);
        // The holder may withdraw an order nobody has paid for yet; after that, staff decide.
        guard = (locked) => {
          if (locked.status !== 'PENDING_PAYMENT' && locked.status !== 'AWAITING_ADDRESS') {
            throw forbidden(`This order is ${locked.status}; ask scheme staff to cancel it`);
          }
        };
      }
      return context.dataSource.transaction((manager) =>
        changeHardCopyOrder(manager, order.id, 'CANCEL', { cancellationReason }, guard),
      );
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
