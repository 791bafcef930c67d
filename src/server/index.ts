export { SessionServer } from './session-server';
export { Session } from './session';
export { MemoryStore } from './store';

export type { PlainHeartbeat, SessionServerOptions, SessionServerEvents } from './session-server';
export type { SessionData, SessionDropReason, SessionEvents } from './session';
export type { SessionStore } from './store';
export { SESSION_PROTOCOL, SESSION_CLOSE } from '../session/protocol';
export type { SessionWindow } from '../session/protocol';
