module.exports = {
  displayName: 'tool-seed',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
