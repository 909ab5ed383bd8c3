export default {
  displayName: 'accreditation',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
