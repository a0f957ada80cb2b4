// The SBI's standard error codes (SBI spec 3, table "Standard SBI Errors"), as OpenSBI's sbi_error.h
// keeps them apart from the calls: every extension's module returns them.

export const SBI_SUCCESS = 0n;
export const SBI_ERR_FAILED = 0xffffffffffffffffn;             // -1
export const SBI_ERR_NOT_SUPPORTED = 0xfffffffffffffffen;      // -2
export const SBI_ERR_INVALID_PARAM = 0xfffffffffffffffdn;      // -3
export const SBI_ERR_DENIED = 0xfffffffffffffffcn;             // -4
export const SBI_ERR_INVALID_ADDRESS = 0xfffffffffffffffbn;    // -5
export const SBI_ERR_ALREADY_AVAILABLE = 0xfffffffffffffffan;  // -6
export const SBI_ERR_ALREADY_STARTED = 0xfffffffffffffff9n;    // -7
export const SBI_ERR_ALREADY_STOPPED = 0xfffffffffffffff8n;    // -8
