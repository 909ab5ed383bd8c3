import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The exams' reference data this service needs (from the scheme's page): which languages each exam is
 * offered in, whether self-study is allowed, and the trainer-eligibility score. Language tags match the
 * exam service's own reference data. Kept here so courses are checked without calling the exam service.
 */
const EXAM_LEVELS = [
  {
    code: 'FOUNDATION',
    name: 'Foundation',
    selfStudyAllowed: true,
    trainerEligibilityPercentage: null,
    languages: [
      ['en', 'English'],
      ['zh', 'Chinese'],
      ['ja', 'Japanese'],
      ['pt', 'Portuguese'],
      ['es', 'Spanish'],
    ],
  },
  {
    code: 'PRACTITIONER',
    name: 'Practitioner',
    selfStudyAllowed: true,
    trainerEligibilityPercentage: 66,
    languages: [
      ['en', 'English'],
      ['de', 'German'],
      ['ja', 'Japanese'],
      ['pt-BR', 'Brazilian Portuguese'],
      ['zh-Hant', 'Chinese (complex)'],
    ],
  },
  {
    code: 'AUDITOR',
    name: 'Auditor',
    selfStudyAllowed: false,
    trainerEligibilityPercentage: 75,
    languages: [
      ['en', 'English'],
      ['de', 'German'],
      ['ja', 'Japanese'],
      ['pt', 'Portuguese'],
      ['zh-Hans', 'Chinese (simple)'],
      ['zh-Hant', 'Chinese (complex)'],
      ['es', 'Spanish'],
    ],
  },
] as const;

export class ExamReferenceData1764000000001 implements MigrationInterface {
  name = 'ExamReferenceData1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [index, level] of EXAM_LEVELS.entries()) {
      await queryRunner.query(
        `INSERT INTO "exam_level" ("code", "name", "self_study_allowed", "trainer_eligibility_percentage", "sort_order") VALUES ($1, $2, $3, $4, $5)`,
        [level.code, level.name, level.selfStudyAllowed, level.trainerEligibilityPercentage, index + 1],
      );
      for (const [language, displayName] of level.languages) {
        await queryRunner.query(
          `INSERT INTO "exam_language" ("exam_code", "language", "display_name") VALUES ($1, $2, $3)`,
          [level.code, language, displayName],
        );
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "exam_language"`);
    await queryRunner.query(`DELETE FROM "exam_level"`);
  }
}
