// `--tier` for the commands that run a machine (boot, debug, draw, test): its option, defaulting to
// RVHART_TIER, and RVHART_HOT read beside it, checked once (a mistake is a usage error, exit 2).

import { DEFAULT_TIER, parseTierSetting, type Tier } from '../emulator/hart/hart.js';
import { EXIT, fail } from './exit.js';

export const TIER_OPTION = {
  type: 'string', default: process.env.RVHART_TIER ?? DEFAULT_TIER, defaultDescription: `RVHART_TIER, else ${DEFAULT_TIER}`,
  describe: 'jit (hot code translated to JavaScript regions; exact as the interpreter) | interp (the interpreter alone)',
} as const;

/** --tier as given, with RVHART_HOT (translate a block head after this many entries; tests of the tier use 1). */
export function tierSetting(tierText: string | undefined): { tier: Tier; hot: number } {
  const setting = parseTierSetting(tierText, process.env.RVHART_HOT);
  return typeof setting === 'string' ? fail(EXIT.USAGE, setting) : setting;
}
