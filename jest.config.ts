import { getJestProjectsAsync } from '@nx/jest';
import type { Config } from 'jest';

// One Jest run over every project: one summary, workers shared across projects.
export default async (): Promise<Config> => ({
  projects: await getJestProjectsAsync(),
  reporters: ['default', '<rootDir>/tools/dev/src/jest-summary-reporter.js'],
});
