import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person who registers for exams; the id is the identity provider's candidate id. */
@Entity({ name: 'candidates' })
export class CandidateEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @Column({ type: 'text', name: 'name' })
  name!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
