// Access types of the one access path. AMOs and SC are stores (they raise store/AMO faults);
// LR is a load. Numbered so that a cause can be indexed by access type.

export const FETCH = 0, LOAD = 1, STORE = 2;
export type AccessType = 0 | 1 | 2;

export const ACCESS_NAMES: readonly string[] = ['fetch', 'load', 'store'];

/** Page-fault cause of an access type: fetch 12, load 13, store/AMO 15. */
export const PAGE_FAULT: readonly number[] = [12, 13, 15];
/** Access-fault cause of an access type: fetch 1, load 5, store/AMO 7. */
export const ACCESS_FAULT: readonly number[] = [1, 5, 7];

/** Privilege levels as encoded in mstatus.MPP. */
export const PRV_U = 0, PRV_S = 1, PRV_M = 3;
