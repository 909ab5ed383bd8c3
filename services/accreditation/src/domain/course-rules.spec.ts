import { courseViolations, type CourseOffer, type ExamOffering } from './course-rules';
import {
  deliveryPreferenceViolation,
  logoLicenceActiveOn,
  logoLicenceViolation,
} from './delivery-preference';

const auditor: ExamOffering = {
  code: 'AUDITOR',
  name: 'Auditor',
  selfStudyAllowed: false,
  languages: ['en', 'de', 'ja'],
};
const foundation: ExamOffering = {
  code: 'FOUNDATION',
  name: 'Foundation',
  selfStudyAllowed: true,
  languages: ['en', 'es'],
};
const classroom: CourseOffer = {
  examCode: 'AUDITOR',
  language: 'de',
  country: 'DE',
  deliveryMode: 'CLASSROOM',
  startsOn: '2027-03-01',
  endsOn: '2027-03-03',
};

describe('course rules', () => {
  it('accepts a course in a language the exam is offered in', () => {
    expect(courseViolations(classroom, auditor)).toEqual([]);
  });

  it('refuses a language the exam is not offered in, naming the ones it is', () => {
    expect(courseViolations({ ...classroom, language: 'es' }, auditor)).toEqual([
      { field: 'language', message: 'the Auditor exam is not offered in "es"; choose one of: en, de, ja' },
    ]);
  });

  it('refuses self-study where the exam requires an accredited course', () => {
    const selfStudy = { ...classroom, deliveryMode: 'SELF_STUDY' as const, startsOn: null, endsOn: null };
    expect(courseViolations(selfStudy, auditor).map((v) => v.field)).toEqual(['deliveryMode']);
    expect(courseViolations({ ...selfStudy, examCode: 'FOUNDATION', language: 'en' }, foundation)).toEqual(
      [],
    );
  });

  it('needs dates in order for a taught course', () => {
    expect(courseViolations({ ...classroom, startsOn: null }, auditor).map((v) => v.field)).toEqual([
      'startsOn',
    ]);
    expect(courseViolations({ ...classroom, endsOn: '2027-02-28' }, auditor).map((v) => v.field)).toEqual([
      'endsOn',
    ]);
  });
});

describe('certificate delivery preference', () => {
  const address = {
    recipientName: 'Training Desk',
    lines: ['1 Main St'],
    city: 'Leeds',
    postalCode: 'LS1',
    country: 'GB',
  };
  it('needs the ATO address only for paper sent via the ATO', () => {
    expect(
      deliveryPreferenceViolation({ format: 'PAPER_AND_ELECTRONIC', recipient: 'ATO', atoAddress: null }),
    ).toMatch(/need the ATO address/);
    expect(
      deliveryPreferenceViolation({ format: 'PAPER_AND_ELECTRONIC', recipient: 'ATO', atoAddress: address }),
    ).toBeNull();
    expect(
      deliveryPreferenceViolation({ format: 'ELECTRONIC_ONLY', recipient: 'CANDIDATE', atoAddress: null }),
    ).toBeNull();
    expect(
      deliveryPreferenceViolation({ format: 'ELECTRONIC_ONLY', recipient: 'CANDIDATE', atoAddress: address }),
    ).toMatch(/leave atoAddress empty/);
  });
});

describe('logo licence', () => {
  it('runs between its dates', () => {
    const licence = { licensed: true, validFrom: '2026-01-01', validUntil: '2026-12-31' };
    expect(logoLicenceViolation(licence)).toBeNull();
    expect(logoLicenceActiveOn(licence, '2026-06-01')).toBe(true);
    expect(logoLicenceActiveOn(licence, '2027-01-01')).toBe(false);
    expect(logoLicenceViolation({ licensed: true, validFrom: null, validUntil: null })).toMatch(/start date/);
    expect(
      logoLicenceViolation({ licensed: true, validFrom: '2026-02-01', validUntil: '2026-01-01' }),
    ).toMatch(/end before/);
    expect(logoLicenceViolation({ licensed: false, validFrom: '2026-02-01', validUntil: null })).toMatch(
      /no licence dates/,
    );
  });
});
