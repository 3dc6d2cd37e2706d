/** The dependency rule of ARCHITECTURE.md §2, checked in CI (`npm run depcheck`). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing outside itself: no node:*, no packages, no other folder.',
      severity: 'error',
      from: { path: '^domain/', pathNot: '(\\.spec\\.ts$|/testing/)' },
      to: { pathNot: '^domain/' },
    },
    {
      name: 'no-infra-from-app-layers',
      comment: 'command/, query/ and projections/ never import infra/; infra/ wires them together.',
      severity: 'error',
      from: { path: '^(command|query|projections)/' },
      to: { path: '^infra/' },
    },
    {
      name: 'schemas-stay-leaf',
      comment: 'schemas/ may use zod and domain types only.',
      severity: 'error',
      from: { path: '^schemas/' },
      to: { path: '^(command|query|projections|infra)/' },
    },
    {
      name: 'nothing-imports-infra-but-infra',
      severity: 'error',
      from: { path: '^(domain|schemas|command|query|projections)/' },
      to: { path: '^infra/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.cache' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
