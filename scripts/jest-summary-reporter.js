// Prints one plain closing line, `N passed, N failed, N skipped`, after jest's own summary,
// so that CI logs state the totals in a form any reader can parse.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`;
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
