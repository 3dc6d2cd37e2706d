/**
 * The dependency rules of docs/architecture.md (ARCHITECTURE.md §2), checked in CI (`npm run depcheck`).
 * Each folder may import only what its README line says; everything else is forbidden here.
 * Tests and test kits (`*.spec.ts`, `testing/`, `test/`) may reach further to set things up.
 */
const TESTS = '(\\.spec\\.ts$|/testing/|^test/)';

/** A rule "files in `from` may import nothing outside `allowed`" (relative paths; packages are allowed unless noted). */
function onlyImports(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from, pathNot: TESTS },
    to: { path: '^(domain|schemas|http|command|query|projections|infra|sandbox|test|bench|examples)/', pathNot: allowed },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing outside itself: no node:*, no packages, no other folder.',
      severity: 'error',
      from: { path: '^domain/', pathNot: TESTS },
      to: { pathNot: '^domain/' },
    },
    onlyImports('schemas-stay-leaf', '^schemas/', '^(domain|schemas)/', 'schemas/ may use zod, kysely types and domain/ only.'),
    onlyImports('http-edge', '^http/', '^(domain|schemas|http)/', 'the HTTP edge (http/) uses domain/ and schemas/; it never imports command/, query/, projections/ or infra/.'),
    onlyImports('command-side', '^command/', '^(domain|schemas|http|command)/', 'command/ uses domain/, schemas/ and the edge; never query/, projections/ or infra/.'),
    onlyImports(
      'query-side',
      '^query/',
      '^(domain|schemas|http|query)/',
      'query/ uses domain/, schemas/ (read-model contracts in schemas/readModels) and the edge; never command/, projections/ or infra/.',
    ),
    onlyImports('projections-pure', '^projections/', '^(domain|schemas|projections)/', 'projections/ use domain/ and schemas/ only: no HTTP, no command/query, no infra.'),
    onlyImports(
      'adapters-are-leaves',
      '^infra/adapters/',
      '^(domain|schemas|http|infra/adapters)/',
      'infra/adapters/ implement ports (domain/, schemas/, the edge); they never import command/, query/, projections/, runtimes or the entry.',
    ),
    onlyImports(
      'runtimes-run-subscribers',
      '^infra/runtime/',
      '^(domain|schemas|projections|infra/adapters|infra/runtime)/',
      'infra/runtime/ runs subscribers (projectors, relay) over adapters; never command/, query/, the edge or the entry.',
    ),
    onlyImports(
      'sandbox-is-the-provider',
      '^sandbox/',
      '^(sandbox/|schemas/providers/|infra/adapters/providers/paypay/opaAuth\\.ts$)',
      'sandbox/ plays the provider: it shares only the wire schemas and the OPA-Auth header code, never the ledger.',
    ),
    {
      name: 'sandbox-stays-outside',
      comment: 'The ledger talks to the sandbox over HTTP only (tests and the CLI too).',
      severity: 'error',
      from: { pathNot: '^sandbox/' },
      to: { path: '^sandbox/' },
    },
    {
      name: 'nothing-imports-the-entry',
      comment: 'infra/entry/ is the composition root: only it (and tests) import it.',
      severity: 'error',
      from: { pathNot: `(^infra/entry/|${TESTS}|^bench/)` },
      to: { path: '^infra/entry/' },
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
