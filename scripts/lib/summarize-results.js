/*
 * Sums every test report in a results folder and prints the closing line CI reads:
 *   "<passed> passed, <failed> failed[, <skipped> skipped]"
 * Exits non-zero when any test failed, any suite failed to run, or any named check failed.
 * Usage: node summarize-results.js <results-dir> [failed check names...]
 */
const fs = require('fs');
const path = require('path');

const [dir, ...failedChecks] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let brokenSuites = 0;

for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!file.endsWith('.json')) continue;
  let report;
  try {
    report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch (e) {
    console.error(`could not read test report ${file}: ${e.message}`);
    brokenSuites += 1;
    continue;
  }
  // Jest's --json report; other runners write the same three counters.
  passed += report.numPassedTests ?? report.passed ?? 0;
  failed += report.numFailedTests ?? report.failed ?? 0;
  skipped +=
    (report.numPendingTests ?? 0) +
    (report.numTodoTests ?? 0) +
    (report.skipped ?? 0);
  brokenSuites += report.numRuntimeErrorTestSuites ?? 0;
}

if (brokenSuites > 0)
  console.error(`${brokenSuites} test suite(s) failed to run`);
for (const name of failedChecks) console.error(`check failed: ${name}`);
if (passed + failed === 0) console.error('no test was run');

console.log(
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
const ok =
  failed === 0 && brokenSuites === 0 && failedChecks.length === 0 && passed > 0;
process.exit(ok ? 0 : 1);
