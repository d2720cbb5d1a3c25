import { describe, expect, it } from 'vitest';
import { Experiment, FIT_DEFAULTS, GRADIENT_METHODS, OptNeuron, defaultMaxEvals, defaultStarts, fitMethods, parseMethod, plannedEvaluations, samplers } from '../src/index.ts';
import { lif } from '../models/index.ts';

class Rest extends Experiment {
  run() {
    this.simulate(1);
    return this.results();
  }
}

describe('parseMethod', () => {
  it('takes a search, a gradient method, or a search then a gradient method apart', () => {
    expect(parseMethod('tpe')).toEqual({ search: 'tpe' });
    expect(parseMethod('auto')).toEqual({ search: 'auto' });
    expect(parseMethod('lm')).toEqual({ refine: 'lm' });
    expect(parseMethod('cmaes+lbfgs')).toEqual({ search: 'cmaes', refine: 'lbfgs' });
    for (const m of fitMethods()) expect(() => parseMethod(m)).not.toThrow();
  });

  it('lists every search, gradient method and combination', () => {
    const searches = Object.keys(samplers);
    expect(fitMethods()).toEqual([...searches, ...GRADIENT_METHODS, ...searches.flatMap((s) => GRADIENT_METHODS.map((g) => `${s}+${g}`)), 'sbi']);
    expect(fitMethods()).toContain('random+rmsprop');
  });

  it('rejects anything else, naming every valid method', () => {
    for (const bad of ['grid', '', 'tpe+', '+adam', 'adam+tpe', 'tpe+adam+lm', 'tpe+cmaes', 'toString', 'TPE']) {
      expect(() => parseMethod(bad), bad).toThrow(`unknown method '${bad}' (available: ${fitMethods().join(', ')})`);
    }
  });

  it('is what OptNeuron checks its method with', () => {
    const options = { experiment: Rest, getLoss: () => 0, variablesBounds: { tau_m: [5, 30] as [number, number] }, neuronModel: lif, resultsSoll: 0 };
    expect(() => new OptNeuron({ ...options, method: 'tpe+adam+lm' })).toThrow(/^OptNeuron: unknown method 'tpe\+adam\+lm' \(available: .*auto\+lm, sbi\)$/);
  });
});

describe('FIT_DEFAULTS', () => {
  it('gives the evaluation budget by search method, else the caller’s', () => {
    expect(defaultMaxEvals(parseMethod('auto'), 200)).toBe(FIT_DEFAULTS.maxEvals.auto);
    expect(defaultMaxEvals(parseMethod('cmaes+adam'), 100)).toBe(FIT_DEFAULTS.maxEvals.cmaes);
    expect(defaultMaxEvals(parseMethod('tpe'), 200)).toBe(200);
    expect(defaultMaxEvals(parseMethod('adam'), 100)).toBe(100);
  });

  it('counts the evaluations a fit plans: the search budget, then steps × starts', () => {
    expect(defaultStarts(parseMethod('tpe+adam'))).toBe(FIT_DEFAULTS.startsAfterSearch);
    expect(defaultStarts(parseMethod('adam'))).toBe(FIT_DEFAULTS.starts);
    expect(plannedEvaluations(parseMethod('tpe'), { maxEvals: 500, iterations: 40 })).toBe(500);
    expect(plannedEvaluations(parseMethod('tpe+adam'), { maxEvals: 500 })).toBe(500 + FIT_DEFAULTS.iterations * FIT_DEFAULTS.startsAfterSearch);
    expect(plannedEvaluations(parseMethod('lbfgs'), { maxEvals: 500, iterations: 40, starts: 2 })).toBe(80);
  });

  it('are the values OptNeuron uses, and cannot be changed by accident', () => {
    const opt = new OptNeuron({ experiment: Rest, getLoss: () => 0, variablesBounds: { tau_m: [5, 30] }, neuronModel: lif, resultsSoll: 0 });
    expect(opt.method).toBe(FIT_DEFAULTS.method);
    expect(opt.seed).toBe(FIT_DEFAULTS.seed);
    expect(Object.isFrozen(FIT_DEFAULTS) && Object.isFrozen(FIT_DEFAULTS.maxEvals)).toBe(true);
  });
});
