// The cross-engine subset in WebKitGTK (MiniBrowser through WebKitWebDriver) as it ships: the page is cross-origin
// isolated but SharedArrayBuffer is hidden, so Lanes must run its single-threaded build (see subset.mjs).
import { crossEngineSuite } from './subset.mjs';

crossEngineSuite('webkit', { sharedArrayBuffer: false, pool: false });
