import { relyingPartyOf, requireSchemeStaff, type Viewer } from '@iso20000/auth';
import { forbidden, notFound, unauthenticated } from '@iso20000/service-kit';
import type { OwnerKind } from './domain/webhook-events';

/** Who may manage which webhook endpoints and relying parties: every rule of this service is here. */

export interface WebhookOwner {
  kind: OwnerKind;
  /** The RCB, ATO or relying party; null for scheme staff. */
  id: string | null;
}

/** The viewer a relying party's API key stands for (as every process's authenticator makes it). */
export function relyingPartyViewer(relyingPartyId: string): Viewer {
  return Object.freeze({
    role: 'relying_party',
    subject: `relying-party:${relyingPartyId}`,
    relyingPartyId,
  });
}

/** The owner whose endpoints a viewer manages: itself (an RCB, an ATO, a relying party) or, for scheme staff, the scheme. */
export function ownerOf(viewer: Viewer): WebhookOwner {
  const relyingParty = relyingPartyOf(viewer);
  if (relyingParty) return { kind: 'RELYING_PARTY', id: relyingParty };
  switch (viewer.role) {
    case 'scheme_staff':
      return { kind: 'SCHEME', id: null };
    case 'rcb_integration':
      if (!viewer.rcbId) throw forbidden('This RCB credential names no RCB');
      return { kind: 'RCB', id: viewer.rcbId };
    case 'ato_staff':
      if (!viewer.atoId) throw forbidden('This ATO staff account names no ATO');
      return { kind: 'ATO', id: viewer.atoId };
    case 'relying_party':
      throw forbidden('This relying party key names no relying party');
    case 'public':
      throw unauthenticated('Sign in to manage webhooks');
    default:
      throw forbidden('Webhooks are for RCB integrations, ATO staff, relying parties and scheme staff');
  }
}

/**
 * The owner of a new endpoint: one's own; scheme staff may create one for any owner (an RCB, an
 * ATO, a relying party) and then name it. Naming another owner is FORBIDDEN to everyone else.
 */
export function ownerForNewEndpoint(
  viewer: Viewer,
  requested: { kind: OwnerKind | null; id: string | null },
): WebhookOwner {
  const own = ownerOf(viewer);
  if (requested.kind === null && requested.id === null) return own;
  if (own.kind !== 'SCHEME') {
    if (requested.kind === own.kind && (requested.id === null || requested.id === own.id)) return own;
    throw forbidden('Only scheme staff may create an endpoint for another owner');
  }
  const kind = requested.kind ?? 'SCHEME';
  if (kind === 'SCHEME') {
    if (requested.id !== null) throw forbidden('Scheme endpoints have no ownerId');
    return own;
  }
  if (requested.id === null) throw forbidden(`Name the ${kind.toLowerCase().replace('_', ' ')} in ownerId`);
  return { kind, id: requested.id };
}

/** A list's owner filter: scheme staff choose (or all); everyone else sees only their own. */
export function endpointListOwner(
  viewer: Viewer,
  requested: { kind: OwnerKind | null; id: string | null },
): WebhookOwner | null {
  const own = ownerOf(viewer);
  if (own.kind === 'SCHEME') {
    if (requested.kind === null) return null;
    return { kind: requested.kind, id: requested.kind === 'SCHEME' ? null : requested.id };
  }
  if (
    (requested.kind !== null && requested.kind !== own.kind) ||
    (requested.id !== null && requested.id !== own.id)
  )
    throw forbidden('You see only your own webhook endpoints');
  return own;
}

/** Another owner's endpoint does not exist as far as the viewer can tell. */
export function requireEndpointOwner(
  viewer: Viewer,
  endpoint: { ownerKind: OwnerKind; ownerId: string | null },
): void {
  const own = ownerOf(viewer);
  if (own.kind === 'SCHEME') return;
  if (endpoint.ownerKind === own.kind && endpoint.ownerId === own.id) return;
  throw notFound('No webhook endpoint with this id');
}

export function canSeeEndpoint(
  viewer: Viewer,
  endpoint: { ownerKind: OwnerKind; ownerId: string | null },
): boolean {
  try {
    requireEndpointOwner(viewer, endpoint);
    return true;
  } catch {
    return false;
  }
}

/** Relying parties and their keys are scheme staff's to create and revoke. */
export function requireRelyingPartyAdmin(viewer: Viewer): void {
  requireSchemeStaff(viewer);
}
