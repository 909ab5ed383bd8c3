import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { SchemeExam } from '@iso20000/scheme';
import { SEED_PRICES, seedForms } from '../reference-data/scheme-reference-data';

/**
 * The exams exactly as the scheme published them when this migration was written (frozen with it;
 * a test checks the stored rows against @iso20000/scheme).
 */
const PUBLISHED_EXAMS: readonly SchemeExam[] = [
  {
    code: 'FOUNDATION',
    name: 'ISO/IEC 20000 Foundation',
    format: 'MULTIPLE_CHOICE',
    questionCount: 40,
    marksPerQuestion: 1,
    maxMarks: 40,
    passMark: 26,
    durationMinutes: 60,
    book: 'CLOSED',
    bookNote: null,
    prerequisite: 'NONE',
    requiredAuditExperienceYears: null,
    recommended: null,
    selfStudyAllowed: true,
    marking: 'ON_LOCATION_OR_CENTRAL',
    release: 'ON_MARKING',
    trainerEligibilityPercentage: null,
    languages: [
      { tag: 'en', name: 'English' },
      { tag: 'zh', name: 'Chinese' },
      { tag: 'ja', name: 'Japanese' },
      { tag: 'pt', name: 'Portuguese' },
      { tag: 'es', name: 'Spanish' },
    ],
  },
  {
    code: 'PRACTITIONER',
    name: 'ISO/IEC 20000 Practitioner',
    format: 'COMPLEX_MULTIPLE_CHOICE',
    questionCount: 4,
    marksPerQuestion: 20,
    maxMarks: 80,
    passMark: 40,
    durationMinutes: 180,
    book: 'OPEN',
    bookNote: 'A copy of ISO/IEC 20000 Part 1 is permitted.',
    prerequisite: 'FOUNDATION_CERTIFICATE',
    requiredAuditExperienceYears: null,
    recommended: 'ITIL Foundation (v3 or later); not mandatory.',
    selfStudyAllowed: true,
    marking: 'CENTRAL',
    release: 'CENTRAL',
    trainerEligibilityPercentage: 66,
    languages: [
      { tag: 'en', name: 'English' },
      { tag: 'de', name: 'German' },
      { tag: 'ja', name: 'Japanese' },
      { tag: 'pt-BR', name: 'Brazilian Portuguese' },
      { tag: 'zh-Hant', name: 'Chinese (complex)' },
    ],
  },
  {
    code: 'AUDITOR',
    name: 'ISO/IEC 20000 Auditor',
    format: 'MULTIPLE_CHOICE',
    questionCount: 40,
    marksPerQuestion: 1,
    maxMarks: 40,
    passMark: 26,
    durationMinutes: 60,
    book: 'CLOSED',
    bookNote: null,
    prerequisite: 'AUDIT_EXPERIENCE',
    requiredAuditExperienceYears: 3,
    recommended: 'ISO/IEC 20000 Foundation; not mandatory.',
    selfStudyAllowed: false,
    marking: 'CENTRAL',
    release: 'CENTRAL',
    trainerEligibilityPercentage: 75,
    languages: [
      { tag: 'en', name: 'English' },
      { tag: 'de', name: 'German' },
      { tag: 'ja', name: 'Japanese' },
      { tag: 'pt', name: 'Portuguese' },
      { tag: 'zh-Hans', name: 'Chinese (simple)' },
      { tag: 'zh-Hant', name: 'Chinese (complex)' },
      { tag: 'es', name: 'Spanish' },
    ],
  },
];

/**
 * The scheme's reference data every fresh database needs: the three exams exactly as published,
 * form A of each exam in each of its languages (with answer keys) and the regional price table.
 */
export class ExamReferenceData1733100000001 implements MigrationInterface {
  name = 'ExamReferenceData1733100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const e of PUBLISHED_EXAMS) {
      await queryRunner.query(
        `INSERT INTO "exams" ("code", "name", "format", "question_count", "marks_per_question", "max_marks", "pass_mark",
           "duration_minutes", "book", "book_note", "prerequisite", "required_audit_experience_years", "recommended",
           "self_study_allowed", "marking", "release", "trainer_eligibility_percentage", "languages")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb)`,
        [
          e.code,
          e.name,
          e.format,
          e.questionCount,
          e.marksPerQuestion,
          e.maxMarks,
          e.passMark,
          e.durationMinutes,
          e.book,
          e.bookNote,
          e.prerequisite,
          e.requiredAuditExperienceYears,
          e.recommended,
          e.selfStudyAllowed,
          e.marking,
          e.release,
          e.trainerEligibilityPercentage,
          JSON.stringify(e.languages),
        ],
      );
    }
    for (const f of seedForms(PUBLISHED_EXAMS)) {
      await queryRunner.query(
        `INSERT INTO "exam_forms" ("id", "exam_code", "language", "code", "answer_key", "active") VALUES ($1, $2, $3, $4, $5::jsonb, true)`,
        [f.id, f.examCode, f.language, f.code, JSON.stringify(f.answerKey)],
      );
    }
    for (const p of SEED_PRICES) {
      for (const e of PUBLISHED_EXAMS) {
        await queryRunner.query(
          `INSERT INTO "exam_prices" ("exam_code", "region", "region_name", "currency", "amount_minor", "updated_at", "updated_by")
           VALUES ($1, $2, $3, $4, $5, now(), NULL)`,
          [e.code, p.region, p.regionName, p.currency, p.amounts[e.code]],
        );
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "exam_prices"`);
    await queryRunner.query(`DELETE FROM "exam_forms"`);
    await queryRunner.query(`DELETE FROM "exams"`);
  }
}
