/** The ready protocols: the library's own content, re-exported as `neurofit/experiments`. */
export * from '../src/experiments/index.ts';
