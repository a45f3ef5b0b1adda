const path = require('node:path');

/** Where `npm start` keeps its data: ITSM_SYNC_DEV_DIR, else .itsm-sync-dev/ at the repository root. */
function devDirectory(root) {
  return path.resolve(
    process.env.ITSM_SYNC_DEV_DIR || path.join(root, '.itsm-sync-dev'),
  );
}

module.exports = { devDirectory };
