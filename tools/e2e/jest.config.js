module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Each file starts the whole system (four services and the gateway as processes).
  testTimeout: 120000,
};
