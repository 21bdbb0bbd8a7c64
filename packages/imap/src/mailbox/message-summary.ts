import type { FetchMessageObject, MessageAddressObject } from "imapflow";

export interface ImapAddress {
  readonly name: string | undefined;
  readonly address: string | undefined;
}

/** RFC 9051 §7.5.2 ENVELOPE, decoded. */
export interface ImapEnvelope {
  readonly date: Date | undefined;
  readonly subject: string | undefined;
  readonly from: readonly ImapAddress[];
  readonly sender: readonly ImapAddress[];
  readonly replyTo: readonly ImapAddress[];
  readonly to: readonly ImapAddress[];
  readonly cc: readonly ImapAddress[];
  readonly bcc: readonly ImapAddress[];
  readonly inReplyTo: string | undefined;
  readonly messageId: string | undefined;
}

export interface MessageSummary {
  readonly uid: number;
  readonly flags: readonly string[];
  /** RFC822.SIZE: octets of the message as stored. */
  readonly size: number;
  readonly internalDate: Date | undefined;
  readonly envelope: ImapEnvelope;
  /** RFC 7162 MODSEQ, when the server offers CONDSTORE. */
  readonly modseq: bigint | undefined;
}

/** What every summary FETCH asks for (RFC 9051 §6.4.5). */
export const SUMMARY_QUERY = {
  uid: true,
  flags: true,
  envelope: true,
  size: true,
  internalDate: true,
} as const;

export function toMessageSummary(message: FetchMessageObject): MessageSummary {
  const envelope = message.envelope;
  return {
    uid: message.uid,
    flags: [...(message.flags ?? [])].sort(),
    size: message.size ?? 0,
    internalDate: toDate(message.internalDate),
    modseq: message.modseq === undefined ? undefined : BigInt(message.modseq),
    envelope: {
      date: toDate(envelope?.date),
      subject: envelope?.subject,
      from: addresses(envelope?.from),
      sender: addresses(envelope?.sender),
      replyTo: addresses(envelope?.replyTo),
      to: addresses(envelope?.to),
      cc: addresses(envelope?.cc),
      bcc: addresses(envelope?.bcc),
      inReplyTo: envelope?.inReplyTo,
      messageId: envelope?.messageId,
    },
  };
}

function addresses(list: readonly MessageAddressObject[] | undefined): ImapAddress[] {
  return (list ?? []).map((entry) => ({
    name: entry.name || undefined,
    address: entry.address || undefined,
  }));
}

function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
