import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SCHEME_EXAMS, SEED_PRICES, seedForms } from '../reference-data/scheme-reference-data';

/**
 * The scheme's reference data every fresh database needs: the three exams exactly as published,
 * form A of each exam in each of its languages (with answer keys) and the regional price table.
 */
export class ExamReferenceData1733100000001 implements MigrationInterface {
  name = 'ExamReferenceData1733100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const e of SCHEME_EXAMS) {
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
    for (const f of seedForms()) {
      await queryRunner.query(
        `INSERT INTO "exam_forms" ("id", "exam_code", "language", "code", "answer_key", "active") VALUES ($1, $2, $3, $4, $5::jsonb, true)`,
        [f.id, f.examCode, f.language, f.code, JSON.stringify(f.answerKey)],
      );
    }
    for (const p of SEED_PRICES) {
      for (const e of SCHEME_EXAMS) {
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
