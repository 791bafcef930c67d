/**
 * `steadysocket/channels`: typed JSON channels and requests, a layer over a SteadySocket
 * that uses the socket's public surface only. An app that uses the socket as a plain
 * WebSocket never loads this entry.
 *
 * @example
 * import { SteadySocket } from 'steadysocket';
 * import { channels } from 'steadysocket/channels';
 *
 * const api = channels<Api>(new SteadySocket(url));
 * api.channel('chat').on('message', (m) => console.log(m.text));
 *
 * @packageDocumentation
 */
export { channels } from './client';
export { Channel } from './channel';
export { jsonCodec, typePayloadCodec } from './codec';

export type { ChannelClient, ChannelClientEvents, ChannelClientTarget, InvalidEvent } from './client';
export type { ChannelLimits, ChannelsOptions } from './options';
export type { ChannelEvents, ChannelMap, ChannelSpec, IterateOptions, Received, Replied, RequestName, SpecPart } from './channel';
export type { Codec, Envelope } from './codec';
export type { InvalidReason } from './invalid';
export type { RequestOptions } from './requests';
export type { StandardSchemaV1, StandardResult, ValidationIssue, Validator } from './schema';
