module.exports = require('../jest.preset.cjs')('examples', {
  testMatch: ['<rootDir>/**/*.spec.ts'],
});
