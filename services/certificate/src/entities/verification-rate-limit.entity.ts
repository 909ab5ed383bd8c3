import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Rate limit of the public verification, per client: a token bucket kept as its "theoretical
 * arrival time" (GCRA), so one atomic statement both checks and takes a token. See rate-limit.ts.
 */
@Entity({ name: 'verification_rate_limit' })
export class VerificationRateLimitEntity {
  @PrimaryColumn({ type: 'text', name: 'client_key', primaryKeyConstraintName: 'PK_verification_rate_limit' })
  clientKey!: string;

  /** When the bucket would be full again if no more requests came; a full bucket is any time in the past. */
  @Column({ type: 'timestamp with time zone', name: 'theoretical_arrival_at' })
  theoreticalArrivalAt!: Date;
}
