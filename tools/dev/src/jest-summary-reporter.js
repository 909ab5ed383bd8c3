// The closing line CI reads: "N passed, N failed" (with skipped when any). Under `npm test` the
// line is written to JEST_SUMMARY_FILE and printed last, after Jest's own summary.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A test file that failed to run (syntax error, failing beforeAll) counts as a failure too.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    if (process.env.JEST_SUMMARY_FILE) writeFileSync(process.env.JEST_SUMMARY_FILE, line);
    else process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
