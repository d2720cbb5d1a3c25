import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineNeuron, generateKernelSource } from '../src/index.ts';
import { builtinModels } from '../src/models/index.ts';
import { EXTRA_MODELS, kernelCases } from './fixtures/kernel-source-cases.ts';

// The fixture holds what the generator produced before it was restructured into a builder
// (test/fixtures/make-kernel-source-hashes.ts run on that checkout): the same model and
// configuration must give the same JavaScript, byte for byte, or the same error.
const expected = JSON.parse(readFileSync(new URL('./fixtures/kernel-source-hashes.json', import.meta.url), 'utf8')) as Record<string, string>;

describe('generated kernel source', () => {
  const models = { ...builtinModels, ...Object.fromEntries(EXTRA_MODELS.map((d) => [d.name, defineNeuron(d)])) };
  const cases = kernelCases(models);

  it('covers every case of the fixture', () => {
    expect(cases.map((c) => c.key).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const c of cases) {
    it(`${c.key} is byte-identical to the reference`, () => {
      let got: string;
      try {
        got = createHash('sha256').update(generateKernelSource(c.spec, c.config)).digest('hex');
      } catch (err) {
        got = `error: ${(err as Error).message}`;
      }
      expect(got).toBe(expected[c.key]);
    });
  }
});
