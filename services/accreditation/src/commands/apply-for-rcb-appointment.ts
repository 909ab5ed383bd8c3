import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../context';
import {
  newApplicationLifecycle,
  type CompanyDetails,
  type OrganizationContact,
} from '../entities/organization-columns';
import { RcbEntity } from '../entities/rcb.entity';
import { recordRcbStatusChange } from './record-status-change';

export interface RcbApplication {
  name: string;
  country: string;
  companyDetails: CompanyDetails;
  contacts: OrganizationContact[];
  nationalAccreditationBody: string;
  accreditationReference: string;
  countriesServed: string[];
}

/** A certification body applies to be appointed: stored as APPLIED, with its first history step and event. */
export async function applyForRcbAppointment(
  context: ServiceContext,
  application: RcbApplication,
): Promise<RcbEntity> {
  await context.applicationBudget.spend(context.rateLimitKey, 'applications');
  const now = new Date();
  return context.dataSource.transaction(async (manager) => {
    const rcb = manager.create(RcbEntity, {
      id: randomUUID(),
      name: application.name,
      country: application.country,
      companyDetails: application.companyDetails,
      contacts: application.contacts,
      nationalAccreditationBody: application.nationalAccreditationBody,
      accreditationReference: application.accreditationReference,
      countriesServed: application.countriesServed,
      ...newApplicationLifecycle(now),
    });
    await manager.insert(RcbEntity, rcb);
    await recordRcbStatusChange(manager, context, rcb, null, now);
    return rcb;
  });
}
