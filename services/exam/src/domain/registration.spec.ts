import { SCHEME_EXAMS } from '@iso20000/scheme';
import { decideRegistration, type RegistrationRequest } from './registration';
import { assertTransition, canTransition } from './sitting-lifecycle';

const byCode = (code: string) => SCHEME_EXAMS.find((e) => e.code === code)!;
const ATO = '6f1c2a7e-0000-4000-8000-000000000001';

function request(overrides: Partial<RegistrationRequest> & { examCode?: string } = {}): RegistrationRequest {
  const { examCode = 'FOUNDATION', ...rest } = overrides;
  return {
    exam: byCode(examCode),
    language: 'en',
    session: { kind: 'PUBLIC', atoId: null, languages: ['en', 'de', 'ja'], capacity: 10, seatsTaken: 0 },
    atoStatuses: new Map([[ATO, 'ACCREDITED']]),
    courseAtoId: null,
    alreadyRegistered: false,
    holdsSchemeFoundation: false,
    bcsFoundationCertificateNumber: null,
    auditExperience: null,
    ...rest,
  };
}

const violation = (r: RegistrationRequest) => {
  try {
    decideRegistration(r);
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a violation');
};

describe('registration', () => {
  it('takes a Foundation self-study registration with no prerequisite', () => {
    expect(decideRegistration(request())).toEqual({
      route: 'SELF_STUDY',
      atoId: null,
      prerequisiteStatus: 'NOT_REQUIRED',
    });
  });

  it('refuses a language the exam does not offer, naming the ones it does', () => {
    const v = violation(request({ language: 'de' }));
    expect(v.code).toBe('BAD_USER_INPUT');
    expect(v.message).toContain('en, zh, ja, pt, es');
  });

  it('refuses a language the session has no papers in', () => {
    expect(violation(request({ language: 'es' })).message).toMatch(/papers in en, de, ja only/);
  });

  it('refuses a full session and a double registration', () => {
    expect(
      violation(
        request({ session: { kind: 'PUBLIC', atoId: null, languages: ['en'], capacity: 2, seatsTaken: 2 } }),
      ).code,
    ).toBe('CONFLICT');
    expect(violation(request({ alreadyRegistered: true })).message).toMatch(/already registered/);
  });

  it('refuses an ATO course session of an ATO that is not (or no longer) accredited', () => {
    const session = {
      kind: 'ATO_COURSE' as const,
      atoId: ATO,
      languages: ['en'],
      capacity: 5,
      seatsTaken: 0,
    };
    expect(decideRegistration(request({ session }))).toMatchObject({ route: 'ATO_COURSE', atoId: ATO });
    expect(violation(request({ session, atoStatuses: new Map([[ATO, 'SUSPENDED']]) })).code).toBe(
      'FORBIDDEN',
    );
    expect(violation(request({ session, atoStatuses: new Map() })).message).toMatch(/unknown/);
  });

  describe('Practitioner', () => {
    it('accepts a Foundation certificate of this scheme at once', () => {
      expect(
        decideRegistration(request({ examCode: 'PRACTITIONER', holdsSchemeFoundation: true }))
          .prerequisiteStatus,
      ).toBe('VERIFIED');
    });
    it('lets a BCS Foundation certificate number wait for staff verification', () => {
      expect(
        decideRegistration(
          request({ examCode: 'PRACTITIONER', bcsFoundationCertificateNumber: 'BCS-123456' }),
        ).prerequisiteStatus,
      ).toBe('PENDING');
    });
    it('refuses a candidate with neither', () => {
      const v = violation(request({ examCode: 'PRACTITIONER', bcsFoundationCertificateNumber: '  ' }));
      expect(v.code).toBe('BAD_USER_INPUT');
      expect(v.message).toMatch(/bcsFoundationCertificateNumber/);
    });
  });

  describe('Auditor', () => {
    const experience = { years: 3, evidence: 'Lead auditor, ISO 27001 audits 2021-2024' };
    const course = { kind: 'ATO_COURSE' as const, atoId: ATO, languages: ['en'], capacity: 5, seatsTaken: 0 };
    it('takes three declared years with evidence in an accredited course, pending staff approval', () => {
      expect(
        decideRegistration(request({ examCode: 'AUDITOR', session: course, auditExperience: experience })),
      ).toEqual({ route: 'ATO_COURSE', atoId: ATO, prerequisiteStatus: 'PENDING' });
    });
    it('accepts a public session when the candidate attended an accredited course', () => {
      expect(
        decideRegistration(request({ examCode: 'AUDITOR', courseAtoId: ATO, auditExperience: experience })),
      ).toMatchObject({ route: 'PUBLIC', atoId: ATO });
    });
    it('refuses self-study', () => {
      const v = violation(request({ examCode: 'AUDITOR', auditExperience: experience }));
      expect(v.code).toBe('FORBIDDEN');
      expect(v.message).toMatch(/accredited course/);
    });
    it('refuses fewer than three years, or no evidence, or no declaration', () => {
      expect(
        violation(
          request({ examCode: 'AUDITOR', session: course, auditExperience: { years: 2.5, evidence: 'x' } }),
        ).message,
      ).toMatch(/at least 3 years/);
      expect(
        violation(
          request({ examCode: 'AUDITOR', session: course, auditExperience: { years: 4, evidence: ' ' } }),
        ).message,
      ).toMatch(/evidence/);
      expect(violation(request({ examCode: 'AUDITOR', session: course })).code).toBe('BAD_USER_INPUT');
    });
  });
});

describe('sitting lifecycle', () => {
  it('follows registered -> sat -> marked -> released', () => {
    expect(canTransition('REGISTERED', 'SAT')).toBe(true);
    expect(canTransition('SAT', 'MARKED')).toBe(true);
    expect(canTransition('MARKED', 'RELEASED')).toBe(true);
    expect(canTransition('REGISTERED', 'ABSENT')).toBe(true);
  });
  it('can void at any live point, even after release, but not twice', () => {
    for (const s of ['REGISTERED', 'SAT', 'ABSENT', 'MARKED', 'RELEASED'] as const)
      expect(canTransition(s, 'VOIDED')).toBe(true);
    expect(() => assertTransition('VOIDED', 'VOIDED')).toThrow(/voided is final/);
  });
  it('rejects skipping steps with a message that says what is possible', () => {
    expect(() => assertTransition('REGISTERED', 'MARKED')).toThrow(
      'a registered sitting cannot become marked; from registered it can only become sat or absent or cancelled or voided',
    );
    expect(() => assertTransition('ABSENT', 'MARKED')).toThrow(/cannot become marked/);
  });
});
