module.exports = {
  displayName: 'scheme',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
