module.exports = {
  displayName: 'certificate',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
