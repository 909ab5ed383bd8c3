module.exports = {
  displayName: 'seed-kit',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
