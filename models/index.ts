/** The built-in models: the library's own content, re-exported as `neurofit/models`. */
export * from '../src/models/index.ts';
