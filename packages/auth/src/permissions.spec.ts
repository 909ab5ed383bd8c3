import { GraphQLError } from 'graphql';
import {
  isSchemeStaff,
  relyingPartyOf,
  requireAtoAccess,
  requireAuthenticated,
  requireCandidate,
  requireRcbAccess,
  requireRole,
  requireSchemeStaff,
} from './permissions';
import { PUBLIC_VIEWER, type Viewer } from './viewer';

const viewers: Record<string, Viewer> = {
  public: PUBLIC_VIEWER,
  candidate: { role: 'candidate', subject: 'user-c', candidateId: 'cand-1' },
  otherCandidate: { role: 'candidate', subject: 'user-c2', candidateId: 'cand-2' },
  atoStaff: { role: 'ato_staff', subject: 'user-a', atoId: 'ato-1' },
  otherAtoStaff: { role: 'ato_staff', subject: 'user-a2', atoId: 'ato-2' },
  rcbIntegration: { role: 'rcb_integration', subject: 'credential:c-1', rcbId: 'rcb-1', credentialId: 'c-1' },
  otherRcbIntegration: {
    role: 'rcb_integration',
    subject: 'credential:c-2',
    rcbId: 'rcb-2',
    credentialId: 'c-2',
  },
  relyingParty: {
    role: 'relying_party',
    subject: 'relying-party:rp-1',
    relyingPartyId: 'rp-1',
  },
  analyst: { role: 'analyst', subject: 'user-an' },
  schemeStaff: { role: 'scheme_staff', subject: 'user-s' },
};

type Outcome = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN';

function outcomeOf(check: () => void): Outcome {
  try {
    check();
    return 'allowed';
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const code = error.extensions.code;
    if (code !== 'UNAUTHENTICATED' && code !== 'FORBIDDEN') throw error;
    expect(error.message.length).toBeGreaterThan(10);
    return code;
  }
}

function outcomes(check: (viewer: Viewer) => void): Record<string, Outcome> {
  return Object.fromEntries(
    Object.entries(viewers).map(([name, viewer]) => [name, outcomeOf(() => check(viewer))]),
  );
}

describe('permission helpers', () => {
  it('requireAuthenticated refuses only the public', () => {
    expect(outcomes(requireAuthenticated)).toEqual({
      public: 'UNAUTHENTICATED',
      candidate: 'allowed',
      otherCandidate: 'allowed',
      atoStaff: 'allowed',
      otherAtoStaff: 'allowed',
      rcbIntegration: 'allowed',
      otherRcbIntegration: 'allowed',
      relyingParty: 'allowed',
      analyst: 'allowed',
      schemeStaff: 'allowed',
    });
  });

  it('requireRole admits the listed roles, asks the public to sign in and forbids the rest', () => {
    expect(outcomes((viewer) => requireRole(viewer, 'analyst', 'scheme_staff'))).toEqual({
      public: 'UNAUTHENTICATED',
      candidate: 'FORBIDDEN',
      otherCandidate: 'FORBIDDEN',
      atoStaff: 'FORBIDDEN',
      otherAtoStaff: 'FORBIDDEN',
      rcbIntegration: 'FORBIDDEN',
      otherRcbIntegration: 'FORBIDDEN',
      relyingParty: 'FORBIDDEN',
      analyst: 'allowed',
      schemeStaff: 'allowed',
    });
  });

  it('requireRole names the roles that may act', () => {
    expect(() => requireRole(viewers.candidate, 'analyst', 'scheme_staff')).toThrow(
      'Only analysts or scheme staff may do this',
    );
  });

  it('requireRole lets the public through when the public is listed', () => {
    expect(outcomeOf(() => requireRole(PUBLIC_VIEWER, 'public', 'candidate'))).toBe('allowed');
  });

  it('isSchemeStaff and requireSchemeStaff recognise only scheme staff', () => {
    expect(Object.values(viewers).filter(isSchemeStaff)).toEqual([viewers.schemeStaff]);
    expect(outcomes(requireSchemeStaff)).toEqual({
      public: 'UNAUTHENTICATED',
      candidate: 'FORBIDDEN',
      otherCandidate: 'FORBIDDEN',
      atoStaff: 'FORBIDDEN',
      otherAtoStaff: 'FORBIDDEN',
      rcbIntegration: 'FORBIDDEN',
      otherRcbIntegration: 'FORBIDDEN',
      relyingParty: 'FORBIDDEN',
      analyst: 'FORBIDDEN',
      schemeStaff: 'allowed',
    });
  });

  it('requireCandidate admits that candidate and scheme staff', () => {
    expect(outcomes((viewer) => requireCandidate(viewer, 'cand-1'))).toEqual({
      public: 'UNAUTHENTICATED',
      candidate: 'allowed',
      otherCandidate: 'FORBIDDEN',
      atoStaff: 'FORBIDDEN',
      otherAtoStaff: 'FORBIDDEN',
      rcbIntegration: 'FORBIDDEN',
      otherRcbIntegration: 'FORBIDDEN',
      relyingParty: 'FORBIDDEN',
      analyst: 'FORBIDDEN',
      schemeStaff: 'allowed',
    });
  });

  it("requireAtoAccess admits that ATO's staff and scheme staff", () => {
    expect(outcomes((viewer) => requireAtoAccess(viewer, 'ato-1'))).toEqual({
      public: 'UNAUTHENTICATED',
      candidate: 'FORBIDDEN',
      otherCandidate: 'FORBIDDEN',
      atoStaff: 'allowed',
      otherAtoStaff: 'FORBIDDEN',
      rcbIntegration: 'FORBIDDEN',
      otherRcbIntegration: 'FORBIDDEN',
      relyingParty: 'FORBIDDEN',
      analyst: 'FORBIDDEN',
      schemeStaff: 'allowed',
    });
  });

  it("requireRcbAccess admits that RCB's integration and scheme staff", () => {
    expect(outcomes((viewer) => requireRcbAccess(viewer, 'rcb-1'))).toEqual({
      public: 'UNAUTHENTICATED',
      candidate: 'FORBIDDEN',
      otherCandidate: 'FORBIDDEN',
      atoStaff: 'FORBIDDEN',
      otherAtoStaff: 'FORBIDDEN',
      rcbIntegration: 'allowed',
      otherRcbIntegration: 'FORBIDDEN',
      relyingParty: 'FORBIDDEN',
      analyst: 'FORBIDDEN',
      schemeStaff: 'allowed',
    });
  });

  it('relyingPartyOf names the relying party of its key, and nobody for other viewers', () => {
    expect(relyingPartyOf(viewers.relyingParty)).toBe('rp-1');
    expect(Object.values(viewers).filter((viewer) => relyingPartyOf(viewer) !== null)).toEqual([
      viewers.relyingParty,
    ]);
    // the role without its id stands for no relying party
    expect(relyingPartyOf({ role: 'relying_party', subject: 'relying-party:' })).toBeNull();
  });

  it('a relying party passes only a check that names its own role (public queries check none)', () => {
    expect(outcomeOf(() => requireRole(viewers.relyingParty, 'public', 'candidate'))).toBe('FORBIDDEN');
    expect(() => requireRole(viewers.relyingParty, 'rcb_integration')).toThrow(
      'Only RCB integrations may do this',
    );
    expect(outcomeOf(() => requireRole(viewers.relyingParty, 'relying_party'))).toBe('allowed');
  });

  it('does not mistake a viewer without the scoping id for one with a matching id', () => {
    const unscoped: Viewer = { role: 'ato_staff', subject: 'user-x' };
    expect(outcomeOf(() => requireAtoAccess(unscoped, ''))).toBe('FORBIDDEN');
  });
});
