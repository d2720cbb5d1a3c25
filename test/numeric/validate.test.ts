import { describe, expect, it } from 'vitest';
import { allFinite, integerAtLeast, nonNegative, numberOption, orInfinity, positive } from '../../src/numeric/validate.ts';

describe('option and array validation', () => {
  it('numberOption returns the fallback for undefined and the value when the rule holds', () => {
    expect(numberOption('lbfgs', 'memory', undefined, 10, integerAtLeast(1))).toBe(10);
    expect(numberOption('lbfgs', 'memory', 3, 10, integerAtLeast(1))).toBe(3);
    expect(numberOption('TPE', 'gamma', 0.5, 0.25, positive)).toBe(0.5);
    expect(numberOption('lbfgs', 'gradientTolerance', 0, 1e-8, nonNegative)).toBe(0);
    expect(numberOption('lbfgs', 'gradientTolerance', Infinity, 1e-8, nonNegative)).toBe(Infinity);
    expect(numberOption('TPE', 'linearForgetting', Infinity, 25, orInfinity(integerAtLeast(1)))).toBe(Infinity);
  });

  it('numberOption names the owner, the option, the rule and the value', () => {
    expect(() => numberOption('TPE', 'gamma', 0, 0.25, positive)).toThrow('TPE: option gamma must be a positive number (got 0)');
    expect(() => numberOption('TPE', 'gamma', Infinity, 0.25, positive)).toThrow(/got Infinity/);
    expect(() => numberOption('lbfgs', 'memory', 1.5, 10, integerAtLeast(1))).toThrow('lbfgs: option memory must be a positive integer (got 1.5)');
    expect(() => numberOption('lbfgs', 'maxIterations', -1, 100, integerAtLeast(0))).toThrow('lbfgs: option maxIterations must be a non-negative integer (got -1)');
    expect(() => numberOption('CMA-ES', 'popSize', 1, 8, integerAtLeast(2))).toThrow('CMA-ES: option popSize must be an integer >= 2 (got 1)');
    expect(() => numberOption('lm', 'tolerance', NaN, 1e-10, nonNegative)).toThrow('lm: option tolerance must be a number >= 0 (got NaN)');
    expect(() => numberOption('TPE', 'linearForgetting', 0.5, 25, orInfinity(integerAtLeast(1)))).toThrow('TPE: option linearForgetting must be a positive integer or Infinity (got 0.5)');
    expect(() => numberOption('TPE', 'gamma', '0.3', 0.25, positive)).toThrow('TPE: option gamma must be a positive number (got 0.3)');
    expect(() => numberOption('TPE', 'gamma', null, 0.25, positive)).toThrow(/got null/);
  });

  it('allFinite rejects NaN and both infinities', () => {
    expect(allFinite(Float64Array.of(1, -2, 0))).toBe(true);
    expect(allFinite([])).toBe(true);
    expect(allFinite([1, NaN])).toBe(false);
    expect(allFinite(Float64Array.of(Infinity))).toBe(false);
    expect(allFinite([-Infinity, 0])).toBe(false);
  });
});
