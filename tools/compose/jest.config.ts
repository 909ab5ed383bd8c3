export default {
  displayName: 'tool-compose',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
