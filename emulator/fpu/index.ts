// The F and D extensions' operations, exact to the bit and flag (see README.md for the API).

export * from './state.js';
export * from './arith-s.js';
export * from './arith-d.js';
export { feq_s, flt_s, fle_s, feq_d, flt_d, fle_d } from './compare.js';
export * from './min-max.js';
export * from './sign-inject.js';
export * from './classify.js';
export * from './convert-to-int.js';
export * from './convert-from-int.js';
export * from './convert-float.js';
export * from './move.js';
