// The test suite runs on the tier RVHART_TIER names (jit by default, as the CLI), translating a
// block head after RVHART_HOT entries (translator.ts's HOT by default; 1 puts every block through
// the tier). Spawned CLI runs read the same variables.
import { setProcessTier, TIERS, type Tier } from '../emulator/hart/hart.js';
import { HOT } from '../emulator/hart/translator.js';

const tier = (process.env.RVHART_TIER ?? 'jit') as Tier;
if (!TIERS.includes(tier)) throw new Error(`RVHART_TIER=${tier}: expected ${TIERS.join(' or ')}`);
const hot = process.env.RVHART_HOT ? Number(process.env.RVHART_HOT) : HOT;
if (!(Number.isInteger(hot) && hot >= 1 && hot <= 65535)) throw new Error(`RVHART_HOT=${process.env.RVHART_HOT}: expected 1..65535`);
setProcessTier(tier, hot);
