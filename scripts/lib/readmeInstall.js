/*
 * The README's "Installing into your own Backstage" steps, read from the README itself so that
 * `npm run test:consumer` runs exactly what a reader is told to do. Each step is a fenced code
 * block right after an HTML comment `<!-- consumer-test: NAME -->` (invisible when rendered).
 */
const fs = require('node:fs');

const STEPS = ['install', 'backend', 'app-config', 'app', 'cli'];

/** The marked code blocks of a README: { name: { lang, code } }; throws when one is missing or doubled. */
function readMarkedBlocks(readmePath) {
  const text = fs.readFileSync(readmePath, 'utf8');
  const blocks = {};
  const pattern =
    /<!-- consumer-test: ([a-z-]+) -->(?:\r?\n)+```([a-z]*)\r?\n([\s\S]*?)\r?\n```/g;
  for (const match of text.matchAll(pattern)) {
    const [, name, lang, code] = match;
    if (blocks[name])
      throw new Error(
        `${readmePath}: two blocks are marked consumer-test: ${name}`,
      );
    blocks[name] = { lang, code };
  }
  for (const name of STEPS) {
    if (!blocks[name])
      throw new Error(
        `${readmePath}: no code block marked <!-- consumer-test: ${name} -->`,
      );
  }
  return blocks;
}

/** Shell lines with `\` continuations joined and comments dropped. */
function shellCommands(code) {
  return code
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map(line => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

/**
 * `npm install --workspace <dir> <package>...` lines: the packages each workspace gets.
 * Anything else in the block is refused, so the README cannot grow a step the test skips.
 */
function parseInstall(code) {
  const byWorkspace = {};
  for (const command of shellCommands(code)) {
    const words = command.split(/\s+/);
    if (words[0] !== 'npm' || words[1] !== 'install')
      throw new Error(`install step: not an npm install: ${command}`);
    let workspace;
    const packages = [];
    for (let i = 2; i < words.length; i++) {
      if (words[i] === '--workspace' || words[i] === '-w')
        workspace = words[++i];
      else if (words[i].startsWith('-'))
        throw new Error(`install step: unexpected option ${words[i]}`);
      else packages.push(words[i]);
    }
    if (!workspace || packages.length === 0)
      throw new Error(
        `install step: needs --workspace and packages: ${command}`,
      );
    byWorkspace[workspace] = [...(byWorkspace[workspace] ?? []), ...packages];
  }
  return byWorkspace;
}

/** The `backend.add(import('...'))` lines, and the package each one imports. */
function parseBackend(code) {
  const source = code
    .split(/\r?\n/)
    .filter(line => !line.trim().startsWith('//'))
    .join('\n');
  // One statement may span lines (prettier wraps long ones); anything but these
  // statements is refused, so the README cannot grow a step the test skips.
  const statement = /backend\.add\(\s*import\('([^']+)'\),?\s*\);/g;
  const matches = [...source.matchAll(statement)];
  const packages = matches.map(m => m[1]);
  const rest = source.replace(statement, '').trim();
  if (rest || packages.length === 0) {
    throw new Error(
      `backend step: only backend.add(import('...')) statements expected, found: ${rest}`,
    );
  }
  const statements = matches.map(m => m[0]);
  return { statements, packages };
}

/** `npm install -g <package>...` and the `im ...` commands of the CLI step. */
function parseCli(code) {
  const globalPackages = [];
  const imCommands = [];
  for (const command of shellCommands(code)) {
    const words = command.split(/\s+/);
    if (
      words[0] === 'npm' &&
      words[1] === 'install' &&
      (words[2] === '-g' || words[2] === '--global')
    ) {
      globalPackages.push(...words.slice(3));
    } else if (words[0] === 'im') {
      imCommands.push(words.slice(1));
    } else if (words[0] !== 'export') {
      throw new Error(`cli step: unexpected command: ${command}`);
    }
  }
  if (globalPackages.length === 0 || imCommands.length === 0)
    throw new Error('cli step: needs npm install -g and an im command');
  return { globalPackages, imCommands };
}

module.exports = { readMarkedBlocks, parseInstall, parseBackend, parseCli };
