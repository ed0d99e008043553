/**
 * Final delivery into a lab mailbox, the step an MDA performs: add
 * Return-Path (RFC 5321 §4.4) and Delivered-To, append to INBOX, and announce
 * it on the lab's event emitter so tests and the harness can measure latency.
 */
import type { EventEmitter } from 'node:events';
import type { ImapMailbox } from './imap-server.ts';
import { headerValue, prependFields } from './message-util.ts';

/** Payload of the lab's 'delivered' event. */
export interface DeliveredEvent {
  mailbox: string;
  messageId: string | undefined;
  /** Epoch ms at which the message was stored (and the delivering server answered 250). */
  at: number;
}

export type MailboxDirectory = ReadonlyMap<string, ImapMailbox>;

export function findMailbox(dir: MailboxDirectory, address: string): ImapMailbox | undefined {
  return dir.get(address.toLowerCase());
}

/** Stores the message in the recipient's INBOX; false when there is no such mailbox. */
export function deliverToMailbox(dir: MailboxDirectory, events: EventEmitter, recipient: string, envelopeFrom: string, raw: Buffer): boolean {
  const mailbox = findMailbox(dir, recipient);
  if (!mailbox) return false;
  const stored = prependFields(raw, [`Delivered-To: ${recipient}`, `Return-Path: <${envelopeFrom}>`]);
  mailbox.deliver(stored);
  const event: DeliveredEvent = { mailbox: recipient.toLowerCase(), messageId: headerValue(raw, 'message-id'), at: Date.now() };
  events.emit('delivered', event);
  return true;
}
