export default {
  displayName: 'tool-dev',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
