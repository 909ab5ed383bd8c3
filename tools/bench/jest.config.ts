export default {
  displayName: 'tool-bench',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
