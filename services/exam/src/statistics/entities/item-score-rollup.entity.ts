import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Right answers per question among the sittings of one total score, per form and group: the
 * strata of a Mantel-Haenszel DIF analysis, matched on total score, without reading the facts.
 * Groupings: LANGUAGE (the form is the language; group_value ''), COUNTRY (ISO code) and
 * SESSION_KIND. Only right/wrong (1-mark) questions: MH DIF is defined for dichotomous items.
 */
@Entity({ name: 'statistics_item_score_rollup' })
export class ItemScoreRollupEntity {
  @PrimaryColumn({ type: 'text', name: 'form_id' })
  formId!: string;

  @PrimaryColumn({ type: 'text', name: 'grouping' })
  grouping!: string;

  @PrimaryColumn({ type: 'text', name: 'group_value' })
  groupValue!: string;

  /** Total score in marks (every question 1 mark, so an integer). */
  @PrimaryColumn({ type: 'smallint', name: 'total_score' })
  totalScore!: number;

  @PrimaryColumn({ type: 'smallint', name: 'item_number' })
  itemNumber!: number;

  /** Sittings of this group with this total score (the same for every question of the form). */
  @Column({ type: 'integer', name: 'sittings' })
  sittings!: number;

  @Column({ type: 'integer', name: 'correct' })
  correct!: number;

  /** Sum of those sittings' record keys modulo 2^31: the stratum's cell key (domain/perturbation.ts). */
  @Column({ type: 'integer', name: 'key_sum' })
  keySum!: number;
}
