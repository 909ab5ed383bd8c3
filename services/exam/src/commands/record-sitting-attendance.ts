import type { Viewer } from '@iso20000/auth';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { assertCanRecordAttendance } from '../access';
import { prerequisiteAllowsSitting } from '../domain/registration';
import type { SittingEntity } from '../entities/sitting.entity';
import { loadSession, lockSitting, moveSitting } from './sitting-moves';

/** The invigilator's record: present (sat) or absent. A candidate whose prerequisite is unsettled cannot sit. */
export async function recordSittingAttendance(
  dataSource: DataSource,
  cmd: { sittingId: string; present: boolean },
  actor: Viewer,
): Promise<SittingEntity> {
  return dataSource.transaction(async (manager) => {
    const sitting = await lockSitting(manager, cmd.sittingId);
    assertCanRecordAttendance(actor, await loadSession(manager, sitting.sessionId));
    if (
      cmd.present &&
      sitting.state === 'REGISTERED' &&
      !prerequisiteAllowsSitting(sitting.prerequisiteStatus)
    ) {
      throw refuse.conflict(
        `the candidate's prerequisite is ${sitting.prerequisiteStatus.toLowerCase()}: scheme staff must verify it before the candidate sits`,
      );
    }
    await moveSitting(manager, sitting, cmd.present ? 'SAT' : 'ABSENT', actor);
    return sitting;
  });
}
