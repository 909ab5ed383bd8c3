module.exports = {
  displayName: 'tool-build',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
