module.exports = {
  displayName: 'exam',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
