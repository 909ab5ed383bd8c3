export default {
  displayName: 'tool-seed',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
