// Events that make the interpreter leave its loop at the next instruction boundary. A leaf: the
// hart, the interpreter and the semantics' helpers all use it.

export const EV_IRQ = 1, EV_STOP = 2, EV_WFI = 4, EV_YIELD = 8, EV_DEBUG = 16;

