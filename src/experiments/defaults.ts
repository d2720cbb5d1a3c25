import type { Population } from '../sim/population.ts';
import type { Experiment } from '../experiment/experiment.ts';

/** Records the first state variable (the membrane potential in every built-in model) and spikes, unless the experiment already records. */
export function recordDefaults(exp: Experiment, pop: Population): void {
  if (exp.monitors.list.length > 0) return;
  const vars = [pop.model.stateVariables[0]!];
  if (pop.model.spec.spike) vars.push('spike');
  exp.monitors.add(vars);
}
