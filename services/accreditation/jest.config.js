module.exports = {
  displayName: 'accreditation',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
