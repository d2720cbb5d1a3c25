import { adam, adamw, type AdamOptions } from './adam.ts';
import type { Optimizer } from './optimizer.ts';
import { rmsprop, type RmspropOptions } from './rmsprop.ts';
import { sgd, type SgdOptions } from './sgd.ts';

/** Every setting of every first-order optimiser; each reads its own and rejects the others'. */
export type OptimizerSettings = SgdOptions & RmspropOptions & Omit<AdamOptions, 'decoupled'>;

const OWN: Record<string, readonly string[]> = {
  sgd: ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay'],
  rmsprop: ['lr', 'rho', 'eps', 'momentum', 'centered', 'weightDecay'],
  adam: ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'],
  adamw: ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'],
};

/** The first-order optimisers by name. */
export const OPTIMIZER_NAMES = Object.keys(OWN) as readonly ('sgd' | 'rmsprop' | 'adam' | 'adamw')[];

/**
 * An optimiser from its name and settings, refusing a setting it does not have (Adam has no
 * momentum) rather than ignoring it.
 *
 * ```ts
 * optimizerByName('adam', { lr: 0.05, betas: [0.9, 0.99], amsgrad: true });
 * optimizerByName('sgd', { betas: [0.9, 0.99] }); // throws: sgd has no setting 'betas'
 * ```
 */
export function optimizerByName(name: string, settings: OptimizerSettings = {}): Optimizer {
  const own = OWN[name];
  if (!own) throw new Error(`unknown optimiser '${name}' (known: ${OPTIMIZER_NAMES.join(', ')})`);
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined && !own.includes(key)) throw new Error(`${name} has no setting '${key}' (its settings: ${own.join(', ')})`);
  }
  if (name === 'sgd') return sgd(settings) as Optimizer;
  if (name === 'rmsprop') return rmsprop(settings) as Optimizer;
  if (name === 'adamw') return adamw(settings) as Optimizer;
  return adam(settings) as Optimizer;
}
