// The binary snippet of the WebSocket tutorials (shared/seeds 000, §61.3), with only the
// constructor changed, plus a close() once the answer is in so that the process exits.
//
//   node examples/binary.mjs ws://127.0.0.1:8080      any server that echoes what it gets

import WebSocket from 'ws';
import { SteadySocket } from 'steadysocket';

const wsHost = process.argv[2] ?? 'ws://127.0.0.1:8080';

var ws = new SteadySocket(wsHost, { WebSocket });
var buffer = new ArrayBuffer(5); // 5 byte buffer
var bufferView = new DataView(buffer);

bufferView.setFloat32(0, Math.PI);
bufferView.setUint8(4, 127);

ws.binaryType = 'arraybuffer';

ws.onmessage = function (message) {
  var view = new DataView(message.data);
  console.log('Uint8:', view.getUint8(4), 'Float32:', view.getFloat32(0));
  ws.close(); // not in the tutorial: done, so let the process exit
};

ws.onopen = function () {
  ws.send(buffer);
};
