import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One answer of a marked sitting, kept for item statistics. */
@Entity({ name: 'sitting_item_responses' })
export class ItemResponseEntity {
  @PrimaryColumn({ type: 'uuid', name: 'sitting_id' })
  sittingId!: string;

  @PrimaryColumn({ type: 'integer', name: 'item_number' })
  itemNumber!: number;

  @Column({ type: 'integer', name: 'question_number' })
  questionNumber!: number;

  @Column({ type: 'text', name: 'chosen_option', nullable: true })
  chosenOption!: string | null;

  @Column({ type: 'boolean', name: 'correct' })
  correct!: boolean;

  @Column({ type: 'integer', name: 'marks' })
  marks!: number;

  @Column({ type: 'integer', name: 'max_marks' })
  maxMarks!: number;
}
