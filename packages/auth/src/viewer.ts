export const ROLES = [
  'public',
  'candidate',
  'ato_staff',
  'rcb_integration',
  'relying_party',
  'analyst',
  'scheme_staff',
] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: the verified identity every resolver authorizes against. */
export interface Viewer {
  role: Role;
  /**
   * JWT `sub`, `credential:<id>` for RCB integrations, `relying-party:<id>` for relying parties;
   * null for the public.
   */
  subject: string | null;
  /** Role `candidate` only. */
  candidateId?: string;
  /** Role `ato_staff` only. */
  atoId?: string;
  /** Role `rcb_integration` only. */
  rcbId?: string;
  /** Role `rcb_integration` only. */
  credentialId?: string;
  /**
   * Role `relying_party` only: a party outside the scheme (a tender platform, say) that watches
   * certificate and registry numbers through the webhooks API; everywhere else it sees what the
   * public sees, as no rule of the scheme grants the role anything.
   */
  relyingPartyId?: string;
  name?: string;
}

export const PUBLIC_VIEWER: Viewer = Object.freeze({ role: 'public', subject: null });
