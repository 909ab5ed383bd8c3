export { stopTestInfrastructure as default } from './jest-global-setup';
