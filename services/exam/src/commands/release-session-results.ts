import type { Viewer } from '@iso20000/auth';
import type { DataSource } from 'typeorm';
import { SittingEntity } from '../entities/sitting.entity';
import { releaseMarkedSitting } from './release-sitting-result';
import { loadExam, loadSession } from './sitting-moves';

/**
 * Releases every marked sitting of a session in one transaction (batch release after central
 * marking); the marked rows are locked, so a sitting released meanwhile one by one is not released twice.
 */
export async function releaseSessionResults(
  dataSource: DataSource,
  sessionId: string,
  actor: Viewer,
  requestId?: string,
): Promise<SittingEntity[]> {
  return dataSource.transaction(async (manager) => {
    const session = await loadSession(manager, sessionId);
    const exam = await loadExam(manager, session.examCode);
    const marked = await manager.find(SittingEntity, {
      where: { sessionId, state: 'MARKED' },
      order: { registeredAt: 'ASC', id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const sitting of marked) await releaseMarkedSitting(manager, sitting, exam, actor, requestId);
    return marked;
  });
}
