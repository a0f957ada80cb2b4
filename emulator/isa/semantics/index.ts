// Every instruction's semantics by mnemonic; table.ts attaches each to its entry and refuses a
// mismatch either way at load time.

import type { Semantics } from './semantics.js';
import { RV64I } from './rv64i.js';
import { M } from './m.js';
import { A } from './a.js';
import { SYSTEM } from './system.js';
import { ZB } from './zb.js';
import { F_EXT } from './f.js';
import { D_EXT } from './d.js';

export const SEMANTICS: Readonly<Record<string, Semantics>> = { ...RV64I, ...M, ...A, ...SYSTEM, ...F_EXT, ...D_EXT, ...ZB };
