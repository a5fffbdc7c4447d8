/** Ends the run with one plain line, `tests: N passed, N failed`, for CI logs and tools that read it. */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    process.stdout.write(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed\n`);
  }
}
module.exports = SummaryReporter;
