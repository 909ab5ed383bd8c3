import { isSchemeStaff, type Viewer } from '@iso20000/auth';
import { forbidden } from '@iso20000/service-kit';
import type { AtoEntity } from './entities/ato.entity';
import type { RcbEntity } from './entities/rcb.entity';

/**
 * Who sees what. The public (and every other role) sees accredited ATOs and appointed RCBs only;
 * an organization's own staff see it in full, whatever its status; scheme staff see everything.
 */
export function isOwnAto(viewer: Viewer, atoId: string): boolean {
  return isSchemeStaff(viewer) || (viewer.role === 'ato_staff' && viewer.atoId === atoId);
}

export function isOwnRcb(viewer: Viewer, rcbId: string): boolean {
  return isSchemeStaff(viewer) || (viewer.role === 'rcb_integration' && viewer.rcbId === rcbId);
}

export function canSeeAto(viewer: Viewer, ato: AtoEntity): boolean {
  return ato.status === 'ACCREDITED' || isOwnAto(viewer, ato.id);
}

export function canSeeRcb(viewer: Viewer, rcb: RcbEntity): boolean {
  return rcb.status === 'APPOINTED' || isOwnRcb(viewer, rcb.id);
}

/** For fields only the organization itself and scheme staff may read. */
export function requireOwnAto(viewer: Viewer, atoId: string, what: string): void {
  if (!isOwnAto(viewer, atoId))
    throw forbidden(`Only this ATO's own staff and scheme staff may see its ${what}`);
}

export function requireOwnRcb(viewer: Viewer, rcbId: string, what: string): void {
  if (!isOwnRcb(viewer, rcbId)) throw forbidden(`Only this RCB itself and scheme staff may see its ${what}`);
}

export function requireSchemeStaffField(viewer: Viewer, what: string): void {
  if (!isSchemeStaff(viewer)) throw forbidden(`Only scheme staff may see ${what}`);
}

/**
 * Through a reference from another subgraph (a registry entry naming its RCB, a sitting naming its ATO),
 * an organization that was once accredited or appointed stays visible by name: the referencing subgraph
 * has already decided the viewer may see that record, and its history must not lose the name when the
 * organization is later suspended or withdrawn. Applications that were never granted stay hidden.
 */
const ONCE_GRANTED = new Set(['SUSPENDED', 'WITHDRAWN']);

export function canSeeReferencedAto(viewer: Viewer, ato: AtoEntity): boolean {
  return canSeeAto(viewer, ato) || ONCE_GRANTED.has(ato.status);
}

export function canSeeReferencedRcb(viewer: Viewer, rcb: RcbEntity): boolean {
  return canSeeRcb(viewer, rcb) || ONCE_GRANTED.has(rcb.status);
}
