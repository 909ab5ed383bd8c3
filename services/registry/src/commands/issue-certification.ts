import { randomUUID } from 'node:crypto';
import { refuse } from '@iso20000/service-kit';
import type { RcbActor } from '../access';
import type { CalendarDate } from '../domain/calendar-date';
import { checkOrganization, type OrganizationDetails } from '../domain/certification-import';
import {
  checkSites,
  issue,
  type CertificationStandard,
  type CertifiedSite,
} from '../domain/certification-lifecycle';
import { CertificationHistoryEntity } from '../entities/certification-history.entity';
import { CertifiedOrganizationEntity } from '../entities/certified-organization.entity';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { refreshCertificationFlags } from './refresh-certification-flags';
import {
  rcbStatusOf,
  runOnce,
  type CertificationPayload,
  type CommandContext,
  type Idempotency,
} from './certification-change';
import {
  certificationAfter,
  historyEntry,
  organizationRow,
  recordCertificationChanged,
  noteRcbDataChanged,
} from './certification-rows';

export interface IssueCertification {
  certificateNumber: string;
  /** A new organization, or (organizationId) one the RCB already certifies: exactly one of them. */
  organization: OrganizationDetails | null;
  organizationId: string | null;
  standard: CertificationStandard;
  scope: string;
  sites: CertifiedSite[];
  originalIssueDate?: CalendarDate | null;
  cycleStart: CalendarDate;
  expiry?: CalendarDate | null;
}

/** Issues a certification after a successful initial audit, for a new organization or one the RCB certifies. */
export function issueCertification(
  ctx: CommandContext,
  actor: RcbActor,
  command: IssueCertification,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  const { rcbId } = actor;
  return runOnce(ctx, actor, idempotency, async (manager, author) => {
    const step = issue(
      { ...command, sites: checkSites(command.sites, 'input.sites'), rcbId },
      { today: ctx.today, rcbStatus: await rcbStatusOf(ctx, manager, rcbId) },
    );
    const now = new Date();
    let organizationId: string;
    if (command.organizationId) {
      organizationId = command.organizationId;
      const held = await manager
        .getRepository(OrganizationCertificationEntity)
        .existsBy({ organizationId, rcbId });
      if (!held)
        throw refuse.forbidden(
          'organizationId must be an organization your RCB already certifies; send organization details instead',
        );
    } else if (command.organization) {
      const details = checkOrganization(command.organization, 'input.organization');
      organizationId = randomUUID();
      await manager
        .getRepository(CertifiedOrganizationEntity)
        .insert(organizationRow(organizationId, details, now));
    } else {
      throw refuse.badInput(
        'give either organization (a new organization) or organizationId (one your RCB already certifies)',
      );
    }
    const existing = await manager
      .getRepository(OrganizationCertificationEntity)
      .existsBy({ rcbId, certificateNumber: step.state.certificateNumber });
    if (existing)
      throw refuse.conflict(
        `your RCB already has certificate number ${step.state.certificateNumber}: change it with its id, or use upsertCertifications`,
      );
    const after = certificationAfter(null, step, { id: randomUUID(), organizationId }, now);
    await manager.getRepository(OrganizationCertificationEntity).insert(after);
    await manager
      .getRepository(CertificationHistoryEntity)
      .insert(historyEntry(null, after, step, author, now));
    await recordCertificationChanged(manager, after, step, author, now);
    await noteRcbDataChanged(manager, author, now);
    await refreshCertificationFlags(manager, [after.id], ctx.today, { requestId: author.requestId });
    return after;
  });
}
