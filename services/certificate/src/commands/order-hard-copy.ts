import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { checkHardCopyOrderAllowed, type HardCopyKind } from '../domain/hard-copy-order';
import type { ShippingAddress } from '../domain/shipping-address';
import type { CertificateEntity } from '../entities/certificate.entity';
import { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import { newOrder, priceOf } from './hard-copy-order-steps';

export interface OrderHardCopyCommand {
  certificate: CertificateEntity;
  kind: HardCopyKind;
  shippingAddress: ShippingAddress;
}

/** The holder orders a paper copy; the certificate must be issued and not revoked. */
export async function orderHardCopy(
  dataSource: DataSource,
  { certificate, kind, shippingAddress }: OrderHardCopyCommand,
): Promise<HardCopyOrderEntity> {
  return dataSource.transaction(async (manager) => {
    // Lock the certificate row: two simultaneous orders must not both pass the checks below.
    const [locked] = (await manager.query(`SELECT "status" FROM "certificate" WHERE "id" = $1 FOR UPDATE`, [
      certificate.id,
    ])) as { status: CertificateEntity['status'] }[];
    const status = locked?.status ?? certificate.status;
    if (status !== 'ISSUED') {
      throw refuse.conflict(
        `Certificate ${certificate.number} is ${status}; only an issued certificate can be printed.`,
      );
    }
    const existing = await manager.find(HardCopyOrderEntity, {
      where: { certificateId: certificate.id },
      select: { status: true },
    });
    const refusal = checkHardCopyOrderAllowed(
      kind,
      existing.map((o) => o.status),
    );
    if (refusal) throw refuse.conflict(refusal);
    const order = newOrder(certificate, await priceOf(manager, kind), { shippingAddress });
    await manager.insert(HardCopyOrderEntity, order);
    return order;
  });
}
