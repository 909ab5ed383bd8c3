const { availableParallelism } = require('node:os');
const { getJestProjectsAsync } = require('@nx/jest');

// One Jest run over every project: one summary, workers shared across projects.
module.exports = async () => ({
  projects: await getJestProjectsAsync(),
  // Global (not per project): integration and end-to-end hooks start real processes.
  testTimeout: 60000,
  // Jest's default (cores - 1) is one worker on a 2-core machine: the suite then took 1,070-1,100 s,
  // most of its slow files waiting on the processes, PostgreSQL and NATS they start. Two workers on
  // two cores took 797 s.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  reporters: ['default', '<rootDir>/tools/dev/src/jest-summary-reporter.js'],
});
