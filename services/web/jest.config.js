module.exports = {
  displayName: 'web',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // The browser test starts the whole system (four services and the gateway) and Chromium.
  testTimeout: 120000,
};
