export {
  startSystem,
  freePort,
  SERVICES,
  DEFAULT_PORTS,
  type RunningSystem,
  type SystemOptions,
  type ServiceName,
} from './launcher';
export {
  ensureInfrastructure,
  portAnswers,
  workspaceRoot,
  MissingInfrastructure,
  type Infrastructure,
} from './infrastructure';
