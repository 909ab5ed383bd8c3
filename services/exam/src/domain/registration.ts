import { ATO_ACTIVE_STATUS, type ExamCode } from '@iso20000/scheme';
import { refuse } from '@iso20000/service-kit';
import { offersLanguage, type ExamRules } from './exam-rules';

export type SessionKind = 'ATO_COURSE' | 'PUBLIC';
/** How the candidate prepared: statistics and release both depend on it. */
export type StudyRoute = 'ATO_COURSE' | 'PUBLIC' | 'SELF_STUDY';
/** NOT_REQUIRED and VERIFIED let the candidate sit; PENDING waits for scheme staff. */
export type PrerequisiteStatus = 'NOT_REQUIRED' | 'VERIFIED' | 'PENDING' | 'REJECTED';

export interface RegistrationRequest {
  exam: ExamRules;
  language: string;
  session: {
    kind: SessionKind;
    atoId: string | null;
    languages: string[];
    capacity: number;
    /** Seats already held. */
    seatsTaken: number;
  };
  /** Accreditation status of each ATO involved, as learnt from accreditation events (absent: unknown). */
  atoStatuses: ReadonlyMap<string, string>;
  /** For a public session: the accredited ATO whose course the candidate attended, if any. */
  courseAtoId: string | null;
  /** The candidate already holds a seat in this session. */
  alreadyRegistered: boolean;
  /** The candidate holds a Foundation certificate of this scheme (from certificate events). */
  holdsSchemeFoundation: boolean;
  bcsFoundationCertificateNumber: string | null;
  auditExperience: { years: number; evidence: string } | null;
}

export interface RegistrationDecision {
  route: StudyRoute;
  /** The ATO the sitting belongs to (its course or its session); null for self-study and public without course. */
  atoId: string | null;
  prerequisiteStatus: PrerequisiteStatus;
}

/**
 * Everything an exam office checks before taking a registration. Checks run in the order a
 * clerk would answer a candidate: what you asked for, where, whether you qualify, then seats.
 */
export function decideRegistration(r: RegistrationRequest): RegistrationDecision {
  const { exam, session } = r;
  if (!offersLanguage(exam, r.language)) {
    throw refuse.badInput(
      `${exam.code} is not offered in "${r.language}"; choose one of ${exam.languages.map((l) => l.tag).join(', ')}`,
    );
  }
  if (!session.languages.includes(r.language)) {
    throw refuse.badInput(
      `this session has papers in ${session.languages.join(', ')} only, not "${r.language}"`,
    );
  }

  let route: StudyRoute;
  let atoId: string | null;
  if (session.kind === 'ATO_COURSE') {
    if (r.courseAtoId !== null && r.courseAtoId !== session.atoId) {
      throw refuse.badInput('an ATO course session belongs to its own ATO; leave courseAtoId empty');
    }
    route = 'ATO_COURSE';
    atoId = session.atoId;
  } else if (r.courseAtoId !== null) {
    route = 'PUBLIC';
    atoId = r.courseAtoId;
  } else {
    route = 'SELF_STUDY';
    atoId = null;
  }
  if (atoId !== null && r.atoStatuses.get(atoId) !== ATO_ACTIVE_STATUS) {
    throw refuse.forbidden(
      `the training organization ${atoId} is not accredited (${(r.atoStatuses.get(atoId) ?? 'unknown').toLowerCase()}); exams can only be taken through an accredited ATO`,
    );
  }
  if (route === 'SELF_STUDY' && !exam.selfStudyAllowed) {
    throw refuse.forbidden(
      `${exam.code} requires attendance of an accredited course: register in an ATO course session, or name the accredited ATO whose course you attended (courseAtoId)`,
    );
  }

  const prerequisiteStatus = checkPrerequisite(r);

  if (r.alreadyRegistered) {
    throw refuse.conflict('the candidate is already registered for this session');
  }
  if (session.seatsTaken >= session.capacity) {
    throw refuse.conflict(`the session is full (${session.capacity} seats); choose another session`);
  }
  return { route, atoId, prerequisiteStatus };
}

function checkPrerequisite(r: RegistrationRequest): PrerequisiteStatus {
  const { exam } = r;
  switch (exam.prerequisite) {
    case 'NONE':
      return 'NOT_REQUIRED';
    case 'FOUNDATION_CERTIFICATE': {
      if (r.holdsSchemeFoundation) return 'VERIFIED';
      const external = r.bcsFoundationCertificateNumber?.trim() ?? '';
      if (external.length > 0) return 'PENDING';
      throw refuse.badInput(
        `${exam.code} requires a Foundation certificate: none of this scheme is on record for the candidate; give the BCS ISO/IEC 20000 Foundation certificate number (bcsFoundationCertificateNumber) for staff to verify`,
      );
    }
    case 'AUDIT_EXPERIENCE': {
      const required = exam.requiredAuditExperienceYears ?? 0;
      const declared = r.auditExperience;
      if (declared === null) {
        throw refuse.badInput(
          `${exam.code} requires ${required} years of audit experience in an IT environment: declare it (auditExperience) with evidence`,
        );
      }
      if (!(declared.years >= required)) {
        throw refuse.badInput(
          `${exam.code} requires at least ${required} years of IT audit experience; ${declared.years} declared`,
        );
      }
      if (declared.evidence.trim().length === 0) {
        throw refuse.badInput(
          'describe the evidence of your audit experience (auditExperience.evidence) for staff to check',
        );
      }
      return 'PENDING';
    }
  }
}

/** The exam whose certificate the FOUNDATION_CERTIFICATE prerequisite asks for. */
export const FOUNDATION_EXAM: ExamCode = 'FOUNDATION';

/** A sitting can be sat only when its prerequisite is settled in the candidate's favour. */
export function prerequisiteAllowsSitting(status: PrerequisiteStatus): boolean {
  return status === 'NOT_REQUIRED' || status === 'VERIFIED';
}
