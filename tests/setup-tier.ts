// The test suite runs on the tier RVHART_TIER names (jit by default, as the CLI), translating a
// block head after RVHART_HOT entries (translator.ts's HOT by default; 1 puts every block through
// the tier). Spawned CLI runs read the same variables.
import { parseTierSetting, setProcessTier } from '../emulator/hart/hart.js';

const setting = parseTierSetting(process.env.RVHART_TIER, process.env.RVHART_HOT);
if (typeof setting === 'string') throw new Error(setting);
setProcessTier(setting.tier, setting.hot);
