import type { Reporter, TestModule } from 'vitest/node';

/**
 * Lists every skipped test at the end of the run, with its reason, so a check that could not run (cfn-lint not
 * installed) is said out loud in the summary instead of hiding in a "skipped" count.
 */
export default class SkipNotesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        // Only tests skipped on purpose (it.skipIf, context.skip): those a failed hook skipped are already failures.
        if (result.state !== 'skipped' || (test.options.mode !== 'skip' && !result.note)) continue;
        lines.push(`  ${module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}${result.note ? ` [${result.note}]` : ''}`);
      }
    }
    if (lines.length > 0) process.stdout.write(`\n Skipped (${lines.length}):\n${lines.join('\n')}\n`);
  }
}
