// The cross-engine subset in WebKitGTK with SharedArrayBuffer exposed (JSC_useSharedArrayBuffer=true), as Safari
// exposes it on an isolated page: the threaded build and the rayon pool (see subset.mjs).
import { crossEngineSuite } from './subset.mjs';

crossEngineSuite('webkit', { sharedArrayBuffer: true, pool: true });
