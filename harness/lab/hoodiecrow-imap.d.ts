/**
 * The part of hoodiecrow-imap (no bundled types) the lab uses: a single-user
 * in-memory IMAP server whose behaviour is extended through plugins.
 */
declare module 'hoodiecrow-imap' {
  import type { EventEmitter } from 'node:events';
  import type { Server, Socket } from 'node:net';

  export interface HoodiecrowUser {
    password: string;
    xoauth2?: { accessToken: string; sessionTimeout: number };
  }

  export interface HoodiecrowResponse {
    tag: string;
    command: string;
    attributes?: unknown[];
  }

  export interface HoodiecrowConnection {
    state: string;
    socket: Socket | null;
    inputHandler: ((line: string) => void) | false;
    directNotifications: boolean;
    send(response: HoodiecrowResponse, description: string, parsed?: unknown, data?: unknown): void;
    processNotifications(data?: unknown): void;
  }

  export interface HoodiecrowParsed {
    tag: string;
    command: string;
    attributes?: unknown[];
  }

  export type HoodiecrowCommandHandler = (connection: HoodiecrowConnection, parsed: HoodiecrowParsed, data: string, callback: () => void) => void;

  export interface HoodiecrowServer extends EventEmitter {
    server: Server;
    users: Record<string, HoodiecrowUser>;
    listen(port: number, host: string, callback?: () => void): void;
    close(callback?: () => void): void;
    registerCapability(keyword: string, handler?: (connection: HoodiecrowConnection) => boolean): void;
    setCommandHandler(command: string, handler: HoodiecrowCommandHandler): void;
    appendMessage(mailbox: string, flags: string[], internaldate: Date, raw: string): { message: { uid: number } };
    getMailbox(path: string): { messages: unknown[] } | undefined;
  }

  export type HoodiecrowPlugin = string | ((server: HoodiecrowServer) => void);

  export interface HoodiecrowOptions {
    plugins?: HoodiecrowPlugin[];
    users?: Record<string, HoodiecrowUser>;
    credentials?: { key: string; cert: string };
    secureConnection?: boolean;
    storage?: Record<string, unknown>;
    debug?: boolean;
  }

  export default function hoodiecrow(options?: HoodiecrowOptions): HoodiecrowServer;
}
