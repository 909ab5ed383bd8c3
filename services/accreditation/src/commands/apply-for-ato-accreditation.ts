import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../context';
import type { CourseDeliveryMode } from '../domain/course-rules';
import type { ExamCode } from '@iso20000/scheme';
import { AtoEntity } from '../entities/ato.entity';
import {
  newApplicationLifecycle,
  type CompanyDetails,
  type OrganizationContact,
} from '../entities/organization-columns';
import { recordAtoStatusChange } from './record-status-change';

export interface AtoApplication {
  name: string;
  country: string;
  companyDetails: CompanyDetails;
  contacts: OrganizationContact[];
  examLevels: ExamCode[];
  languages: string[];
  deliveryModes: CourseDeliveryMode[];
}

/** Anyone may apply: the application is stored as APPLIED, with its first history step and event. */
export async function applyForAtoAccreditation(
  context: ServiceContext,
  application: AtoApplication,
): Promise<AtoEntity> {
  await context.applicationBudget.spend(context.rateLimitKey, 'applications');
  const now = new Date();
  return context.dataSource.transaction(async (manager) => {
    const ato = manager.create(AtoEntity, {
      id: randomUUID(),
      name: application.name,
      country: application.country,
      companyDetails: application.companyDetails,
      contacts: application.contacts,
      examLevels: application.examLevels,
      languages: application.languages,
      deliveryModes: application.deliveryModes,
      ...newApplicationLifecycle(now),
      deliveryFormat: 'ELECTRONIC_ONLY',
      deliveryRecipient: 'CANDIDATE',
      deliveryAddress: null,
      logoLicensed: false,
      logoValidFrom: null,
      logoValidUntil: null,
    });
    await manager.insert(AtoEntity, ato);
    await recordAtoStatusChange(manager, context, ato, null, now);
    return ato;
  });
}
