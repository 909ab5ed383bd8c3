const { getJestProjectsAsync } = require('@nx/jest');

// One Jest run over every project: one summary, workers shared across projects.
module.exports = async () => ({
  projects: await getJestProjectsAsync(),
  // Global (not per project): integration and end-to-end hooks start real processes.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/tools/dev/src/jest-summary-reporter.js'],
});
