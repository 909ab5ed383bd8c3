// Shared Jest settings: swc for speed (legacy decorators + metadata for TypeORM entities), and
// jose is ESM-only, so it is transformed like our own code.
module.exports = {
  testEnvironment: 'node',
  // PostgreSQL and NATS found (or started) by npm test's rules, however Jest is started (nx test too).
  globalSetup: require('node:path').join(__dirname, 'tools/dev/src/jest-global-setup.ts'),
  globalTeardown: require('node:path').join(__dirname, 'tools/dev/src/jest-global-teardown.ts'),
  // Workspace packages export dist/ to plain node; tests run their TypeScript sources.
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons', '@iso20000/source'] },
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: ['**/?(*.)+(spec|integration-spec|e2e-spec).ts'],
  testTimeout: 30000,
};
