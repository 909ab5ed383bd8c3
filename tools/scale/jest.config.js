module.exports = {
  displayName: 'scale',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // The short drill starts a NATS cluster and replicated services as processes.
  testTimeout: 150000,
};
