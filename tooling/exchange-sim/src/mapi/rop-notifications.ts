import type { RopNotifyResponse } from "@mailwire/mapi";

// Pending RopNotify responses of one session context (MS-OXCNOTIF 3.2.5): queued when the
// store changes, delivered at the end of the session's next Execute; NotificationWait long
// polls on them.

/** NotificationFlags of a new-mail event: NewMail with the M (message) modifier (2.2.1.4.1.2). */
const NEW_MAIL_FLAGS = 0x0002 | 0x8000;

export class SimNotifications {
  readonly #pending: RopNotifyResponse[] = [];
  readonly #waiters = new Set<() => void>();

  get hasPending(): boolean {
    return this.#pending.length > 0;
  }

  newMail(subscriptionHandle: number, folderId: bigint, messageId: bigint, read: boolean): void {
    this.#pending.push({
      rop: "RopNotify",
      notificationHandle: subscriptionHandle,
      logonId: 0,
      notificationData: {
        notificationFlags: NEW_MAIL_FLAGS,
        folderId,
        messageId,
        messageFlags: read ? 0x01 : 0,
        unicodeFlag: true,
        messageClass: "IPM.Note",
      },
    });
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  drain(): RopNotifyResponse[] {
    return this.#pending.splice(0);
  }

  /** Resolves true as soon as something is pending, false after `ms` without. */
  wait(ms: number): Promise<boolean> {
    if (this.hasPending) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        resolve(false);
      }, ms);
      this.#waiters.add(wake);
    });
  }
}
