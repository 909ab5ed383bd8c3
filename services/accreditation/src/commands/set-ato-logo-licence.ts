import { ATO_ACTIVE_STATUS } from '@iso20000/scheme';
import { refuse } from '@iso20000/service-kit';
import type { ServiceContext } from '../context';
import { logoLicenceViolation, type LogoLicence } from '../domain/delivery-preference';
import { AtoEntity } from '../entities/ato.entity';
import { lockedRow } from './row-lock';

/** Scheme staff grant or end an ATO's licence to use the scheme logo; only an accredited ATO is licensed. */
export async function setAtoLogoLicence(
  context: ServiceContext,
  atoId: string,
  licence: LogoLicence,
): Promise<AtoEntity> {
  const violation = logoLicenceViolation(licence);
  if (violation) throw refuse.badInput(violation);
  return context.dataSource.transaction(async (manager) => {
    const ato = await lockedRow(manager, AtoEntity, atoId, 'ATO');
    if (licence.licensed && ato.status !== ATO_ACTIVE_STATUS) {
      throw refuse.conflict(
        `Only an accredited ATO may be licensed to use the scheme logo; this one is ${ato.status}`,
      );
    }
    ato.logoLicensed = licence.licensed;
    ato.logoValidFrom = licence.validFrom;
    ato.logoValidUntil = licence.validUntil;
    return manager.save(ato);
  });
}
