export {
  startSystem,
  freePort,
  type RunningSystem,
  type SystemOptions,
  type SystemProcess,
} from './launcher';
export {
  ensureInfrastructure,
  portAnswers,
  workspaceRoot,
  MissingInfrastructure,
  type Infrastructure,
} from './infrastructure';
export { writeComposeBus } from './compose-bus';
export { writeComposeDatabasePasswords, DATABASE_SERVICES } from './compose-database';
export { nodeArgsForSource, sourceNodeOptions, SOURCE_CONDITION } from './source-node';
