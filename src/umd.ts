/**
 * Entry of the script-tag build only (`dist/steadysocket.umd.min.js`): its default export
 * becomes the global `SteadySocket`. That global must itself be the constructible class
 * (`new SteadySocket(url)`), so every named export is hung on the class as a static.
 *
 * `Object.assign` rather than a namespace object: no public name collides with a
 * non-writable own property of a class (`name`, `length`, `prototype`), and the bundle
 * test checks that every named export arrives. `SteadySocket.SteadySocket` is the class
 * itself, so `const { SteadySocket, backoffDelay } = globalThis.SteadySocket` also works.
 * The ESM and CJS builds never load this file, so their class stays unmodified.
 */
import * as api from './socket/index';

export default Object.assign(api.SteadySocket, api);
