import {
  trainerEligibilities,
  trainerEligibilityFor,
  type ExamLevelRule,
  type HeldQualification,
} from './trainer-eligibility';

const levels: ExamLevelRule[] = [
  { code: 'FOUNDATION', name: 'Foundation', trainerEligibilityPercentage: null },
  { code: 'PRACTITIONER', name: 'Practitioner', trainerEligibilityPercentage: 66 },
  { code: 'AUDITOR', name: 'Auditor', trainerEligibilityPercentage: 75 },
];
const [foundation, practitioner, auditor] = levels;
const held = (
  examCode: HeldQualification['examCode'],
  percentage: number,
  certificateNumber: string,
  revoked = false,
): HeldQualification => ({
  examCode,
  percentage,
  certificateNumber,
  revoked,
});

describe('trainer eligibility', () => {
  it('is refused without a certificate of the level', () => {
    expect(trainerEligibilityFor(practitioner, [held('AUDITOR', 90, 'A-1')])).toEqual({
      examCode: 'PRACTITIONER',
      eligible: false,
      reason: 'holds no Practitioner certificate of this scheme',
      certificateNumber: null,
    });
  });

  it('needs the trainer-eligibility score exactly at the threshold or above', () => {
    expect(trainerEligibilityFor(practitioner, [held('PRACTITIONER', 66, 'P-1')]).eligible).toBe(true);
    expect(trainerEligibilityFor(practitioner, [held('PRACTITIONER', 65.9, 'P-1')]).eligible).toBe(false);
    expect(trainerEligibilityFor(auditor, [held('AUDITOR', 75, 'A-1')]).eligible).toBe(true);
    expect(trainerEligibilityFor(auditor, [held('AUDITOR', 72.5, 'A-1')])).toEqual({
      examCode: 'AUDITOR',
      eligible: false,
      reason: 'best Auditor score is 72.5% (certificate A-1); trainers need at least 75%',
      certificateNumber: 'A-1',
    });
  });

  it('uses the best valid certificate and ignores revoked ones', () => {
    const result = trainerEligibilityFor(practitioner, [
      held('PRACTITIONER', 90, 'P-1', true),
      held('PRACTITIONER', 55, 'P-2'),
      held('PRACTITIONER', 70, 'P-3'),
    ]);
    expect(result).toMatchObject({ eligible: true, certificateNumber: 'P-3' });
    expect(result.reason).toBe('Practitioner certificate P-3 scored 70% (trainers need at least 66%)');
  });

  it('says when the only certificate was revoked', () => {
    expect(trainerEligibilityFor(auditor, [held('AUDITOR', 95, 'A-9', true)])).toMatchObject({
      eligible: false,
      reason: 'Auditor certificate A-9 was revoked',
    });
  });

  it('needs only the certificate where the level sets no score', () => {
    expect(trainerEligibilityFor(foundation, [held('FOUNDATION', 65, 'F-1')])).toMatchObject({
      eligible: true,
      reason: 'holds Foundation certificate F-1',
    });
  });

  it('answers for every level', () => {
    expect(
      trainerEligibilities(levels, [held('PRACTITIONER', 80, 'P-1')]).map((e) => [e.examCode, e.eligible]),
    ).toEqual([
      ['FOUNDATION', false],
      ['PRACTITIONER', true],
      ['AUDITOR', false],
    ]);
  });
});
