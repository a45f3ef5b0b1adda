module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // ServiceNow's own JavaScript (ES5, Glide globals), run by instances, not by Node.
  ignorePatterns: ['servicenow/'],
});
