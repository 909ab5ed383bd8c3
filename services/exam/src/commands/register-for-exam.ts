import { randomUUID } from 'node:crypto';
import type { Viewer } from '@iso20000/auth';
import type { ConsumerFreshness } from '@iso20000/events';
import { assertCanRegisterAt } from '../access';
import { In, IsNull, Not, type DataSource } from 'typeorm';
import { refuse } from '@iso20000/service-kit';
import { decideRegistration, FOUNDATION_EXAM } from '../domain/registration';
import { SEAT_HOLDING_STATES } from '../domain/sitting-lifecycle';
import { AtoStatusEntity } from '../entities/ato-status.entity';
import { CandidateQualificationEntity } from '../entities/candidate-qualification.entity';
import { CandidateEntity } from '../entities/candidate.entity';
import { ExamSessionEntity } from '../entities/exam-session.entity';
import { SittingEntity } from '../entities/sitting.entity';
import { loadExam, recordTransition } from './sitting-moves';

export interface RegisterForExamCommand {
  sessionId: string;
  language: string;
  candidateId: string;
  candidateName: string | null;
  courseAtoId: string | null;
  bcsFoundationCertificateNumber: string | null;
  auditExperience: { years: number; evidence: string } | null;
}

/**
 * Takes a registration after every check, in one transaction that locks the session row: two
 * candidates racing for the last seat cannot both get it, and a failed check writes nothing.
 */
export async function registerForExam(
  dataSource: DataSource,
  /** A registration through an ATO is never decided on a copy of its status that may miss a suspension. */
  atoStatusCopy: Pick<ConsumerFreshness, 'assertCurrent'>,
  cmd: RegisterForExamCommand,
  actor: Viewer,
  now = new Date(),
): Promise<SittingEntity> {
  return dataSource.transaction(async (manager) => {
    const session = await manager.findOne(ExamSessionEntity, {
      where: { id: cmd.sessionId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!session) throw refuse.notFound(`no exam session ${cmd.sessionId}`);
    assertCanRegisterAt(actor, session);
    if (session.startsAt.getTime() <= now.getTime()) {
      throw refuse.conflict(
        `registration for this session closed when it started (${session.startsAt.toISOString()})`,
      );
    }
    const exam = await loadExam(manager, session.examCode);

    const candidate = await manager.findOneBy(CandidateEntity, { id: cmd.candidateId });
    const name = cmd.candidateName?.trim() ?? '';
    if (!candidate && name.length === 0) {
      throw refuse.badInput(
        'this candidate registers for the first time: give their name (candidateName) as it should appear on the certificate',
      );
    }

    const atoIds = [session.atoId, cmd.courseAtoId].filter((id): id is string => id !== null);
    if (atoIds.length) await atoStatusCopy.assertCurrent();
    const atoStatuses = atoIds.length ? await manager.findBy(AtoStatusEntity, { atoId: In(atoIds) }) : [];
    const alreadyRegistered = await manager.existsBy(SittingEntity, {
      sessionId: session.id,
      candidateId: cmd.candidateId,
      state: Not('CANCELLED'),
    });
    const seatsTaken = await manager.countBy(SittingEntity, {
      sessionId: session.id,
      state: In([...SEAT_HOLDING_STATES]),
    });
    const holdsSchemeFoundation = await manager.existsBy(CandidateQualificationEntity, {
      candidateId: cmd.candidateId,
      examCode: FOUNDATION_EXAM,
      revokedAt: IsNull(),
    });

    const decision = decideRegistration({
      exam,
      language: cmd.language,
      session: {
        kind: session.kind,
        atoId: session.atoId,
        languages: session.languages,
        capacity: session.capacity,
        seatsTaken,
      },
      atoStatuses: new Map(atoStatuses.map((a) => [a.atoId, a.status])),
      courseAtoId: cmd.courseAtoId,
      alreadyRegistered,
      holdsSchemeFoundation,
      bcsFoundationCertificateNumber: cmd.bcsFoundationCertificateNumber,
      auditExperience: cmd.auditExperience,
    });

    if (!candidate) await manager.insert(CandidateEntity, { id: cmd.candidateId, name, createdAt: now });
    const sitting = manager.create(SittingEntity, {
      id: randomUUID(),
      candidateId: cmd.candidateId,
      sessionId: session.id,
      examCode: exam.code,
      language: cmd.language,
      atoId: decision.atoId,
      route: decision.route,
      state: 'REGISTERED',
      satOn: session.startsAt.toISOString().slice(0, 10),
      prerequisiteStatus: decision.prerequisiteStatus,
      bcsFoundationCertificateNumber:
        exam.prerequisite === 'FOUNDATION_CERTIFICATE' && decision.prerequisiteStatus === 'PENDING'
          ? (cmd.bcsFoundationCertificateNumber?.trim() ?? null)
          : null,
      auditExperienceYears:
        exam.prerequisite === 'AUDIT_EXPERIENCE' ? (cmd.auditExperience?.years ?? null) : null,
      auditExperienceEvidence:
        exam.prerequisite === 'AUDIT_EXPERIENCE' ? (cmd.auditExperience?.evidence.trim() ?? null) : null,
      prerequisiteDecidedBy: null,
      prerequisiteDecidedAt: null,
      prerequisiteDecisionNote: null,
      // the session's price is the candidate's, whatever it becomes later
      priceAmountMinor: session.priceAmountMinor,
      priceCurrency: session.priceCurrency,
      formId: null,
      score: null,
      maxScore: null,
      percentage: null,
      passed: null,
      trainerEligible: null,
      releasedTo: null,
      releasedAt: null,
      voidReason: null,
      registeredAt: now,
      registeredBy: actor.subject ?? actor.role,
    });
    await manager.insert(SittingEntity, sitting);
    await recordTransition(manager, sitting.id, null, 'REGISTERED', actor, null, now);
    return sitting;
  });
}
