import { createRequire } from 'node:module';

type MathJs = typeof import('mathjs');

let instance: MathJs | undefined;

/**
 * mathjs, loaded on first use. Importing it costs most of a second, so
 * nothing pays for it until a model is actually defined.
 */
export function mathjs(): MathJs {
  if (!instance) instance = createRequire(import.meta.url)('mathjs') as MathJs;
  return instance;
}

export type MathNode = import('mathjs').MathNode;
