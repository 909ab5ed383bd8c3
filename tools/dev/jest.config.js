module.exports = {
  displayName: 'tool-dev',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
