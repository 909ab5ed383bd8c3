import type { DataSource } from 'typeorm';
import type { CertificationStatus } from '../domain/certification-lifecycle';
import { CertificationHistoryEntity } from '../entities/certification-history.entity';

/** One certification that carried the number, as it stood on the date asked about. */
export interface WasCertifiedMatchResult {
  certified: boolean;
  status: CertificationStatus;
  rcbId: string;
  cycleStart: string;
  expiry: string;
  certificationId: string;
}

export interface WasCertifiedResult {
  certificateNumber: string;
  on: string;
  /** Certifications of more than one RCB carried the number: the single-answer fields stay empty. */
  ambiguous: boolean;
  matches: WasCertifiedMatchResult[];
  certified: boolean;
  status: CertificationStatus | null;
  rcbId: string | null;
  cycleStart: string | null;
  expiry: string | null;
  certificationId: string | null;
}

/**
 * "Was it certified on that date?", from the history alone: for each certification that ever carried
 * this number, the last entry in effect on that date says its status and cycle then. Numbers are
 * unique per RCB only, so every match is returned with its RCB, and the single answer is given only
 * when exactly one certification matches: another RCB registering the same number can never make
 * the answer pick its record.
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

  const matches = entries
    // the number (and RCB) must be the one it carried on that date: a renumbered transfer does not count
    .filter((entry) => entry.certificateNumber === certificateNumber && (!rcbId || entry.rcbId === rcbId))
    .map((entry): WasCertifiedMatchResult => {
      const lapsed =
        (entry.status === 'CERTIFIED' || entry.status === 'SUSPENDED') && args.on > entry.snapshot.expiry;
      const status: CertificationStatus = lapsed ? 'EXPIRED' : entry.status;
      return {
        certified: status === 'CERTIFIED',
        status,
        rcbId: entry.rcbId,
        cycleStart: entry.snapshot.cycleStart,
        expiry: entry.snapshot.expiry,
        certificationId: entry.certificationId,
      };
    })
    .sort((a, b) => (a.rcbId < b.rcbId ? -1 : a.rcbId > b.rcbId ? 1 : 0));
  const single = matches.length === 1 ? matches[0] : null;
  return {
    certificateNumber,
    on: args.on,
    ambiguous: matches.length > 1,
    matches,
    certified: single?.certified ?? false,
    status: single?.status ?? null,
    rcbId: single?.rcbId ?? null,
    cycleStart: single?.cycleStart ?? null,
    expiry: single?.expiry ?? null,
    certificationId: single?.certificationId ?? null,
  };
}
