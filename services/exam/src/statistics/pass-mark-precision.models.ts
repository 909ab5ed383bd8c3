import { schemeExam, type ExamCode } from '@iso20000/scheme';
import type { EntityManager } from 'typeorm';
import {
  decisionConsistency,
  lordConditionalSem,
  subkoviakSums,
  type DecisionConsistencySums,
} from './domain/pass-mark-precision';
import {
  cellKeyOf,
  combinedCellKey,
  perturbedCell,
  perturbPart,
  roundPublished,
} from './domain/perturbation';
import { withStatisticsSettings } from './queries/exam-statistics.query';
import { queryItemAnalysis } from './queries/item-analysis.query';

/** The figures of one form or of an exam (all its right/wrong-question forms together). */
export interface PassMarkPrecisionFigures {
  suppressed: boolean;
  sittings: number | null;
  standardErrorOfMeasurement: number | null;
  conditionalStandardErrorAtPassMark: number | null;
  sittingsNearPassMark: number | null;
  shareNearPassMark: number | null;
  decisionConsistency: number | null;
  decisionKappa: number | null;
}

export interface FormPassMarkPrecisionModel extends PassMarkPrecisionFigures {
  formId: string;
  language: string;
}

export interface ExamPassMarkPrecisionModel extends PassMarkPrecisionFigures {
  exam: ExamCode;
  passMark: number;
  maxScore: number;
  forms: FormPassMarkPrecisionModel[];
}

interface FormFacts {
  formId: string;
  language: string;
  /** total score -> [sittings, key sum] */
  distribution: Array<[number, number, number]>;
  questions: number;
  reliability: number | null;
  sd: number;
}

const EMPTY: PassMarkPrecisionFigures = {
  suppressed: true,
  sittings: null,
  standardErrorOfMeasurement: null,
  conditionalStandardErrorAtPassMark: null,
  sittingsNearPassMark: null,
  shareNearPassMark: null,
  decisionConsistency: null,
  decisionKappa: null,
};

/**
 * Figures of a set of score distributions sharing a pass mark. The counts are cells of their own:
 * the sittings (key: the strata's keys combined) and those near the pass mark (a part of it) are
 * perturbed like every published count; the SEMs and the Subkoviak agreement are functions of the
 * whole distribution, published to 4 decimals.
 */
function figures(
  forms: readonly FormFacts[],
  passMark: number,
  minGroupSize: number,
): PassMarkPrecisionFigures {
  const trueSittings = forms.reduce((s, f) => s + f.distribution.reduce((t, [, n]) => t + n, 0), 0);
  if (trueSittings < minGroupSize || forms.length === 0) return EMPTY;
  const questions = forms[0].questions;
  const csem = lordConditionalSem(questions, passMark);
  const cell = perturbedCell(
    trueSittings,
    combinedCellKey(forms.flatMap((f) => f.distribution.map(([, , key]) => cellKeyOf(key)))),
  );
  const near = forms.reduce(
    (s, f) => s + f.distribution.reduce((t, [x, n]) => t + (Math.abs(x - passMark) <= csem ? n : 0), 0),
    0,
  );
  const nearPublished = perturbPart(cell, near, 'nearPassMark');
  // classical SEM: per form sd sqrt(1 - r); an exam's is the root mean square over its forms by sittings
  let semSquares = 0;
  let semWeight = 0;
  const sums: DecisionConsistencySums = { sittings: 0, agreement: 0, passProbability: 0 };
  for (const f of forms) {
    if (f.reliability === null) continue;
    const n = f.distribution.reduce((t, [, w]) => t + w, 0);
    semSquares += n * f.sd * f.sd * (1 - Math.min(f.reliability, 1));
    semWeight += n;
    const s = subkoviakSums(
      f.distribution.map(([x, w]) => [x, w] as const),
      f.questions,
      passMark,
      f.reliability,
    );
    sums.sittings += s.sittings;
    sums.agreement += s.agreement;
    sums.passProbability += s.passProbability;
  }
  const consistency = decisionConsistency(sums);
  return {
    suppressed: false,
    sittings: cell.sittings,
    standardErrorOfMeasurement: semWeight ? roundPublished(Math.sqrt(semSquares / semWeight)) : null,
    conditionalStandardErrorAtPassMark: roundPublished(csem),
    sittingsNearPassMark: nearPublished,
    shareNearPassMark: cell.sittings ? nearPublished / cell.sittings : null,
    decisionConsistency: roundPublished(consistency?.agreement ?? null),
    decisionKappa: roundPublished(consistency?.kappa ?? null),
  };
}

/**
 * Per exam and per form: the score distribution of each right/wrong-question form from the DIF
 * strata rollup (its LANGUAGE rows of question 1: sittings and key sum per total score, read by
 * primary key), its reliability from the item analysis rollups. Forms with polytomous questions
 * (Practitioner) have no binomial error model: they are left out, and such an exam shows nulls.
 */
export async function passMarkPrecision(
  manager: EntityManager,
  exams: readonly ExamCode[],
  minGroupSize: number,
): Promise<ExamPassMarkPrecisionModel[]> {
  const rows: Array<{
    form_id: string;
    exam_code: string;
    language: string;
    scores: Array<[number, number, number]>;
  }> = await withStatisticsSettings(manager, (tx) =>
    tx.query(
      `SELECT f.form_id, f.exam_code, f.language,
           (SELECT coalesce(json_agg(json_build_array(s.total_score, s.sittings, s.key_sum) ORDER BY s.total_score), '[]')
            FROM statistics_item_score_rollup s
            WHERE s.form_id = f.form_id AND s.grouping = 'LANGUAGE' AND s.group_value = '' AND s.item_number = 1) AS scores
         FROM (SELECT form_id, min(exam_code) AS exam_code, min(language) AS language FROM statistics_form_rollup
               WHERE exam_code = ANY($1::text[]) GROUP BY form_id) f
         ORDER BY f.exam_code, f.language, f.form_id`,
      [exams],
    ),
  );
  const result: ExamPassMarkPrecisionModel[] = [];
  for (const exam of exams) {
    const scheme = schemeExam(exam);
    const forms: FormFacts[] = [];
    for (const row of rows.filter((r) => r.exam_code === exam && r.scores.length > 0)) {
      const analysis = await queryItemAnalysis(manager, [row.form_id], {});
      const overall = analysis.forms.find((f) => f.language === null);
      if (!overall || !overall.dichotomous) continue;
      forms.push({
        formId: row.form_id,
        language: row.language,
        distribution: row.scores,
        questions: overall.itemCount,
        reliability: overall.reliability,
        sd: overall.stdDevScore,
      });
    }
    result.push({
      exam,
      passMark: scheme.passMark,
      maxScore: scheme.maxMarks,
      ...figures(forms, scheme.passMark, minGroupSize),
      forms: forms.map((f) => ({
        formId: f.formId,
        language: f.language,
        ...figures([f], scheme.passMark, minGroupSize),
      })),
    });
  }
  return result;
}
