import { createHash } from 'node:crypto';
import { isSchemeStaff, requireRole, requireSchemeStaff, type Viewer } from '@iso20000/auth';
import { forbidden } from '@iso20000/service-kit';
import type { ServiceContext } from './context';
import type { CertifiedOrganizationEntity } from './entities/certified-organization.entity';
import type { OrganizationCertificationEntity } from './entities/organization-certification.entity';

/**
 * The registry's access rules, all of them. The public sees organizations that consent to listing
 * (and verifies any certificate number it holds); an RCB integration changes only its own RCB's
 * certifications and also sees what its RCB certifies or certified before a transfer; scheme staff
 * see everything.
 */

/** Who makes a change, as the history records it, and whose idempotency keys it uses. */
export interface Actor {
  /** `credential:<id>` for an RCB integration, `staff:<sub>` for scheme staff: recorded in the history. */
  actor: string;
  /** The namespace of the caller's idempotency keys (a uuid): the RCB's id, or one per staff member. */
  idempotencyScope: string;
}

/** Who changes certifications: an RCB integration acting for its own RCB. */
export interface RcbActor extends Actor {
  rcbId: string;
}

/** Scheme staff: they decide transfer objections and may move a certification directly. */
export interface StaffActor extends Actor {
  staff: true;
}

/** Only an RCB integration changes certifications, and it acts for its own RCB. */
export function requireRcbIntegration(viewer: Viewer): RcbActor {
  requireRole(viewer, 'rcb_integration');
  if (!viewer.rcbId) throw forbidden('This credential is not bound to an RCB');
  return {
    rcbId: viewer.rcbId,
    actor: viewer.subject ?? `rcb:${viewer.rcbId}`,
    idempotencyScope: viewer.rcbId,
  };
}

export function requireStaffActor(viewer: Viewer): StaffActor {
  requireSchemeStaff(viewer);
  const subject = viewer.subject ?? 'unknown';
  return { staff: true, actor: `staff:${subject}`, idempotencyScope: staffIdempotencyScope(subject) };
}

/** A uuid of the staff member's own, so their idempotency keys never meet an RCB's. */
function staffIdempotencyScope(subject: string): string {
  const hex = createHash('sha256').update(`scheme-staff:${subject}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The RCB holding a certification (its integration) and scheme staff: who may see its version and act on it. */
export function canChangeOrAdminister(
  viewer: Viewer,
  certification: Pick<OrganizationCertificationEntity, 'rcbId'>,
): boolean {
  if (isSchemeStaff(viewer)) return true;
  return viewer.role === 'rcb_integration' && viewer.rcbId === certification.rcbId;
}

export async function canSeeOrganization(
  ctx: ServiceContext,
  org: CertifiedOrganizationEntity,
): Promise<boolean> {
  if (org.publicListing || isSchemeStaff(ctx.viewer)) return true;
  if (ctx.viewer.role !== 'rcb_integration' || !ctx.viewer.rcbId) return false;
  const certifications = await ctx.loaders.certificationsByOrganizationId.load(org.id);
  return certifications.some((c) => c.rcbId === ctx.viewer.rcbId);
}

export async function canSeeCertification(
  ctx: ServiceContext,
  certification: OrganizationCertificationEntity,
): Promise<boolean> {
  if (isSchemeStaff(ctx.viewer)) return true;
  if (ctx.viewer.role === 'rcb_integration' && certification.rcbId === ctx.viewer.rcbId) return true;
  const org = await ctx.loaders.organizationById.load(certification.organizationId);
  if (org?.publicListing) return true;
  return heldBefore(ctx, certification.id);
}

/** The viewer's RCB held this certification before a transfer. */
async function heldBefore(ctx: ServiceContext, certificationId: string): Promise<boolean> {
  if (ctx.viewer.role !== 'rcb_integration' || !ctx.viewer.rcbId) return false;
  const rows = (await ctx.dataSource.query(
    `SELECT 1 FROM "certification_history" WHERE "certification_id" = $1 AND ("rcb_id" = $2 OR "previous_rcb_id" = $2) LIMIT 1`,
    [certificationId, ctx.viewer.rcbId],
  )) as unknown[];
  return rows.length > 0;
}

/** History (with who changed what) is for the RCBs that held the certification and scheme staff. */
export async function requireHistoryAccess(
  ctx: ServiceContext,
  certification: OrganizationCertificationEntity,
): Promise<void> {
  if (isSchemeStaff(ctx.viewer)) return;
  if (ctx.viewer.role === 'rcb_integration' && certification.rcbId === ctx.viewer.rcbId) return;
  if (await heldBefore(ctx, certification.id)) return;
  throw forbidden('The history of a certification is visible to the RCBs that held it and to scheme staff');
}
