module.exports = {
  displayName: 'tool-compose',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
