// The cross-engine subset in Debian's Firefox ESR, driven through geckodriver (see subset.mjs).
import { crossEngineSuite } from './subset.mjs';

crossEngineSuite('firefox');
