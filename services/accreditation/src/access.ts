import {
  isSchemeStaff,
  requireAtoAccess,
  requireRcbAccess,
  requireSchemeStaff,
  type Viewer,
} from '@iso20000/auth';
import { refuse } from '@iso20000/service-kit';
import { ATO_ACTIVE_STATUS, RCB_ACTIVE_STATUS } from '@iso20000/scheme';
import { isOnceGranted } from './domain/organization-lifecycle';
import type { AtoEntity } from './entities/ato.entity';
import type { RcbEntity } from './entities/rcb.entity';

/**
 * Who may see and do what in accreditation, in one place. The public (and every other role) sees
 * accredited ATOs and appointed RCBs only; an organization's own staff (an ATO's `ato_staff`, an
 * RCB's `rcb_integration`) see it in full whatever its status, including its history; scheme staff
 * see everything, and only they see assessment notes and move the lifecycle.
 */

// Moving the lifecycle and reading assessment notes: scheme staff. Courses, trainers and certificate
// delivery: the ATO's own staff or scheme staff. Integration credentials: the RCB's integration or scheme staff.
export { isSchemeStaff, requireAtoAccess, requireRcbAccess, requireSchemeStaff };

export function isOwnAto(viewer: Viewer, atoId: string): boolean {
  return isSchemeStaff(viewer) || (viewer.role === 'ato_staff' && viewer.atoId === atoId);
}

export function isOwnRcb(viewer: Viewer, rcbId: string): boolean {
  return isSchemeStaff(viewer) || (viewer.role === 'rcb_integration' && viewer.rcbId === rcbId);
}

/** The ATO the viewer works for, if any: lists show it to them whatever its status. */
export function ownAtoId(viewer: Viewer): string | undefined {
  return viewer.role === 'ato_staff' ? viewer.atoId : undefined;
}

/** The RCB the viewer integrates for, if any. */
export function ownRcbId(viewer: Viewer): string | undefined {
  return viewer.role === 'rcb_integration' ? viewer.rcbId : undefined;
}

export function canSeeAto(viewer: Viewer, ato: AtoEntity): boolean {
  return ato.status === ATO_ACTIVE_STATUS || isOwnAto(viewer, ato.id);
}

export function canSeeRcb(viewer: Viewer, rcb: RcbEntity): boolean {
  return rcb.status === RCB_ACTIVE_STATUS || isOwnRcb(viewer, rcb.id);
}

/**
 * Through a reference from another subgraph (a registry entry naming its RCB, a sitting naming its ATO),
 * an organization that was once accredited or appointed stays visible by name: the referencing subgraph
 * has already decided the viewer may see that record, and its history must not lose the name when the
 * organization is later suspended or withdrawn. Applications that were never granted stay hidden.
 */
export function canSeeReferencedAto(viewer: Viewer, ato: AtoEntity): boolean {
  return canSeeAto(viewer, ato) || isOnceGranted(ato.status);
}

export function canSeeReferencedRcb(viewer: Viewer, rcb: RcbEntity): boolean {
  return canSeeRcb(viewer, rcb) || isOnceGranted(rcb.status);
}

/** Fields only the ATO's own staff and scheme staff may read. */
export function requireOwnAto(viewer: Viewer, atoId: string, what: string): void {
  if (!isOwnAto(viewer, atoId))
    throw refuse.forbidden(`Only this ATO's own staff and scheme staff may see its ${what}`);
}

/** Fields only the RCB itself (its integration) and scheme staff may read. */
export function requireOwnRcb(viewer: Viewer, rcbId: string, what: string): void {
  if (!isOwnRcb(viewer, rcbId))
    throw refuse.forbidden(`Only this RCB itself and scheme staff may see its ${what}`);
}

/**
 * Changing an existing credential: as requireRcbAccess, except that another RCB's integration is told
 * the credential does not exist, so an RCB learns nothing about others' credentials.
 */
export function requireCredentialManager(viewer: Viewer, credential: { id: string; rcbId: string }): void {
  if (viewer.role === 'rcb_integration' && viewer.rcbId !== credential.rcbId)
    throw refuse.notFound(`No credential with id ${credential.id}`);
  requireRcbAccess(viewer, credential.rcbId);
}
