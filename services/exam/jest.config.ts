export default {
  displayName: 'exam',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
