export default {
  displayName: 'certificate',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
