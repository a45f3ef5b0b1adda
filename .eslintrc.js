module.exports = {
  root: true,
  ignorePatterns: ['node_modules', 'dist', 'dist-types', 'coverage'],
};
