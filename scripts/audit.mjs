#!/usr/bin/env node
// `npm run audit`: fails when a production dependency has a high or critical
// advisory. Run by CI (.ci/run). When the registry has no audit endpoint (the
// mirror this project is built against answers HTTP 405), it says so plainly
// and does not fail: that is "not checked", never "checked and clean".
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const reason = /\b(\d{3})\b[^\n]*advisories/.exec(run.stderr + run.stdout)?.[1];
  console.warn(
    `npm audit: NOT CHECKED: the registry's audit endpoint did not answer${reason ? ` (HTTP ${reason})` : ''}. ` +
      'Run `npm audit --omit=dev` where the public registry is reachable.',
  );
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(
  `npm audit (production dependencies): ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ` +
    `${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low`,
);
process.exit(serious > 0 ? 1 : 0);
