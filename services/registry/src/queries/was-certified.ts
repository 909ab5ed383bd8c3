import type { DataSource } from 'typeorm';
import type { CertificationStatus } from '../domain/certification-lifecycle';
import { CertificationHistoryEntity } from '../entities/certification-history.entity';

export interface WasCertifiedResult {
  certificateNumber: string;
  on: string;
  certified: boolean;
  status: CertificationStatus | null;
  rcbId: string | null;
  cycleStart: string | null;
  expiry: string | null;
  certificationId: string | null;
}

/**
 * "Was it certified on that date?", from the history alone: for each certification that ever carried
 * this number, the last entry in effect on that date says its status and cycle then.
 */
export async function wasCertified(
  dataSource: DataSource,
  args: { certificateNumber: string; rcbId: string | null; on: string },
): Promise<WasCertifiedResult> {
  const { certificateNumber, rcbId } = args;
  const entries = await dataSource
    .getRepository(CertificationHistoryEntity)
    .createQueryBuilder('h')
    .distinctOn(['h.certification_id'])
    .where(
      `h.certification_id IN (SELECT n.certification_id FROM certification_history n
         WHERE n.certificate_number = :number AND (CAST(:rcbId AS uuid) IS NULL OR n.rcb_id = CAST(:rcbId AS uuid)))`,
      { number: certificateNumber, rcbId },
    )
    .andWhere('h.effective_on <= :on', { on: args.on })
    .orderBy('h.certification_id')
    .addOrderBy('h.effective_on', 'DESC')
    .addOrderBy('h.version', 'DESC')
    .getMany();

  const answers = entries
    // the number (and RCB) must be the one it carried on that date: a renumbered transfer does not count
    .filter((entry) => entry.certificateNumber === certificateNumber && (!rcbId || entry.rcbId === rcbId))
    .map((entry): WasCertifiedResult => {
      const lapsed =
        (entry.status === 'CERTIFIED' || entry.status === 'SUSPENDED') && args.on > entry.snapshot.expiry;
      const status: CertificationStatus = lapsed ? 'EXPIRED' : entry.status;
      return {
        certificateNumber,
        on: args.on,
        certified: status === 'CERTIFIED',
        status,
        rcbId: entry.rcbId,
        cycleStart: entry.snapshot.cycleStart,
        expiry: entry.snapshot.expiry,
        certificationId: entry.certificationId,
      };
    });
  return (
    answers.find((a) => a.certified) ??
    answers[0] ?? {
      certificateNumber,
      on: args.on,
      certified: false,
      status: null,
      rcbId: null,
      cycleStart: null,
      expiry: null,
      certificationId: null,
    }
  );
}
