// Events that make the interpreter leave its loop at the next instruction boundary, and the signal
// that unwinds it after a stop requested from deep inside an instruction. A leaf: the hart, the
// interpreter and the semantics' helpers all use it.

import { Trap } from '../isa/trap.js';

export const EV_IRQ = 1, EV_STOP = 2, EV_WFI = 4, EV_YIELD = 8, EV_DEBUG = 16;

/** Thrown to unwind the loop after requestStop from deep inside an instruction. */
export class StopSignal extends Trap {
  constructor() { super(-1, 0n); }
}
