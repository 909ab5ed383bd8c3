export const ROLES = [
  'public',
  'candidate',
  'ato_staff',
  'rcb_integration',
  'analyst',
  'scheme_staff',
] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: the verified identity every resolver authorizes against. */
export interface Viewer {
  role: Role;
  /** JWT `sub`, or `credential:<id>` for RCB integrations; null for the public. */
  subject: string | null;
  /** Role `candidate` only. */
  candidateId?: string;
  /** Role `ato_staff` only. */
  atoId?: string;
  /** Role `rcb_integration` only. */
  rcbId?: string;
  /** Role `rcb_integration` only. */
  credentialId?: string;
  name?: string;
}

export const PUBLIC_VIEWER: Viewer = Object.freeze({ role: 'public', subject: null });
