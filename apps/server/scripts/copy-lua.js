// The Redis Lua scripts are plain files next to their TypeScript callers; tsc
// does not copy them, so the build does.
const fs = require('node:fs');
const path = require('node:path');

const from = path.join(__dirname, '..', 'src', 'redis', 'lua');
const to = path.join(__dirname, '..', 'dist', 'redis', 'lua');
fs.mkdirSync(to, { recursive: true });
fs.cpSync(from, to, { recursive: true });
