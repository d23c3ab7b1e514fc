/**
 * The layering (README "Everything the stages share sits in core/"), checked by
 * `npm run check:deps`: core/ stands on nothing of the project; tracegen/ and qemu/ stand
 * only on core/; orchestrator/ reaches tracegen/ and qemu/ only through their index.ts;
 * no import cycles.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-the-bottom-layer',
      comment: 'core/ holds what every stage shares; it imports nothing else of the project',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(orchestrator|tracegen|qemu|web|sim-as|bench|test)/' },
    },
    {
      name: 'tracegen-stands-on-core-only',
      severity: 'error',
      from: { path: '^tracegen/' },
      to: { path: '^(orchestrator|qemu|web|bench|test)/' },
    },
    {
      name: 'qemu-stands-on-core-only',
      severity: 'error',
      from: { path: '^qemu/' },
      to: { path: '^(orchestrator|tracegen|web|bench|test)/' },
    },
    {
      name: 'orchestrator-uses-the-stages-api',
      comment: 'orchestrator/ imports tracegen/ and qemu/ through their index.ts (their programmatic API)',
      severity: 'error',
      from: { path: '^orchestrator/' },
      to: { path: '^(tracegen|qemu)/', pathNot: '^(tracegen|qemu)/index\\.ts$' },
    },
    {
      name: 'explain-shared-code-runs-in-the-browser',
      comment: "explain's computations (what-ifs, ranking, limiter, breakdown, the explanation) are the web page's too: no Node APIs",
      severity: 'error',
      from: { path: '^orchestrator/explain/(what-if|rank|limiter|breakdown|explanation)\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-upward-imports-into-tests-or-benches',
      severity: 'error',
      from: { path: '^(core|orchestrator|tracegen|qemu|web)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|build|node_modules|sim-as)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
