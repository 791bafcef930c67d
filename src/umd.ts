/**
 * Entry of the script-tag build only (`dist/steadysocket.umd.min.js`): its default export
 * becomes the global `SteadySocket`. That global must itself be the constructible class
 * (`new SteadySocket(url)`), so every named export of the socket and channels entries is
 * hung on the class as a static (`SteadySocket.channels`, `SteadySocket.backoffDelay`, …).
 *
 * `Object.assign` rather than a namespace object: no public name collides with a
 * non-writable own property of a class (`name`, `length`, `prototype`), and the bundle
 * test checks that every named export arrives. `SteadySocket.SteadySocket` is the class
 * itself, so `const { SteadySocket, backoffDelay } = globalThis.SteadySocket` also works.
 * The ESM and CJS builds never load this file, so their class stays unmodified.
 */
import * as socket from './socket/index';
import * as channels from './channels/index';

export default Object.assign(socket.SteadySocket, socket, channels);
