import { z } from 'zod';
import type { Viewer } from './viewer';

/** Roles a person's JWT may carry; RCB integrations use API keys, the public has no token. */
export const PERSON_ROLES = ['candidate', 'ato_staff', 'analyst', 'scheme_staff'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

const id = z.string().trim().min(1);

// Strict about what grants access (sub, role, the role's own id); other claims are the IdP's business.
export const tokenClaimsSchema = z.discriminatedUnion('role', [
  z.object({ sub: id, role: z.literal('candidate'), candidate_id: id, name: z.string().optional() }),
  z.object({ sub: id, role: z.literal('ato_staff'), ato_id: id, name: z.string().optional() }),
  z.object({ sub: id, role: z.literal('analyst'), name: z.string().optional() }),
  z.object({ sub: id, role: z.literal('scheme_staff'), name: z.string().optional() }),
]);

/** Claims of a person's token (as signed by the IdP, or by `signDevToken` in development). */
export interface TokenClaims {
  sub: string;
  role: PersonRole;
  candidate_id?: string;
  ato_id?: string;
  /** Accepted for compatibility with the contract; no person role is scoped to an RCB. */
  rcb_id?: string;
  name?: string;
}

export type ClaimsProblem = { message: string };

/** Turns verified claims into a viewer, or says which claim is wrong. */
export function viewerFromClaims(claims: Record<string, unknown>): Viewer | ClaimsProblem {
  const role = claims.role;
  if (role === 'rcb_integration')
    return { message: 'RCB integrations authenticate with an API key, not a token' };
  if (typeof role !== 'string' || !(PERSON_ROLES as readonly string[]).includes(role)) {
    return { message: 'The token does not carry a recognised role' };
  }
  const parsed = tokenClaimsSchema.safeParse(claims);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path.join('.') || 'claims';
    return { message: `The token's ${path} claim is missing or invalid for role ${role}` };
  }
  const c = parsed.data;
  const viewer: Viewer = { role: c.role, subject: c.sub };
  if (c.role === 'candidate') viewer.candidateId = c.candidate_id;
  if (c.role === 'ato_staff') viewer.atoId = c.ato_id;
  if (c.name !== undefined) viewer.name = c.name;
  return Object.freeze(viewer);
}

export function isClaimsProblem(value: Viewer | ClaimsProblem): value is ClaimsProblem {
  return 'message' in value;
}
