const { getJestProjectsAsync } = require('@nx/jest');

// One Jest run over every project: one summary, workers shared across projects.
module.exports = async () => ({
  projects: await getJestProjectsAsync(),
  reporters: ['default', '<rootDir>/tools/dev/src/jest-summary-reporter.js'],
});
