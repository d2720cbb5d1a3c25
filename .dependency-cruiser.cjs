/**
 * The layers of src/, bottom first. A module may import its own layer and any layer
 * before it in this list, never one after it; the README's Layout section shows the same
 * list. `npm test` runs this check (`npm run check:layers`).
 */
const LAYERS = [
  'numeric', // special functions, bisect/quantiles, small linear algebra, seeded random streams
  'parallel', // worker threads and loading user modules: knows nothing of neurons
  'model', // defineNeuron, parsing, the kernel compiler
  'models', // the built-in models (content)
  'sim', // Population, inputs, the recorder interface, Monitor
  'experiment', // Experiment, Results
  'experiments', // the ready protocols (content)
  'io', // recordings in
  'features', // eFEL features
  'loss', // losses and spike metrics
  'search', // black-box samplers behind ask/tell
  'optimize', // minimize() and first-order optimisers
  'gradient', // sensitivities into tfjs, transforms, gradient fitting
  'sbi', // simulation-based inference
  'fit', // OptNeuron, trace fits, results files
  'plot', // vega-lite specs rendered to SVG
  'report', // the HTML report
  'distributed', // fits as jobs on a queue
  'cli', // the command line
];

const upward = LAYERS.map((layer, k) => ({
  name: `${layer}-imports-up`,
  comment: `src/${layer} may import only ${LAYERS.slice(0, k + 1).join(', ')}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(k + 1).join('|') || '$^'})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-imports-content',
      comment: 'models/ and experiments/ at the top level re-export src/models and src/experiments for package users; src/ never imports them',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(models|experiments)/' },
    },
    {
      name: 'unknown-layer',
      comment: 'every folder of src/ is a layer listed in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${LAYERS.join('|')})/|^src/index\\.ts$` },
      to: {},
    },
    {
      name: 'layer-imports-index',
      comment: 'src/index.ts is the public surface, on top of every layer',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/index\\.ts$' },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports are edges too: a cycle through types is still a cycle of ideas
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6'],
  },
};

