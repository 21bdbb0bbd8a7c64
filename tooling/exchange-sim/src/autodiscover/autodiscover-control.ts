// What the simulator's Autodiscover endpoints answer. Tests switch it to redirects and
// errors; by default every endpoint answers with the sim's own URLs for its one user.

export type AutodiscoverAnswer =
  | { kind: "settings" }
  | { kind: "redirectAddr"; address: string }
  | { kind: "redirectUrl"; url: string }
  /** POX: Error/ErrorCode (e.g. "600"); SOAP: the per-user ErrorCode (e.g. "InvalidUser"). */
  | { kind: "error"; errorCode: string; message?: string };

export interface AutodiscoverRequestLog {
  endpoint: "pox" | "soap" | "v2";
  /** The address the client asked about. */
  emailAddress: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface AutodiscoverControl {
  /** Sets the answer for later requests; `once` limits it to the next request, then back to settings. */
  respondWith(answer: AutodiscoverAnswer, options?: { once?: boolean }): void;
  /** Back to the default settings answer. */
  reset(): void;
  /** Requests that reached an Autodiscover handler (after authentication), oldest first. */
  readonly requests: AutodiscoverRequestLog[];
  /** The mailbox GUID in the MAPI/HTTP URLs. */
  readonly mailboxGuid: string;
  /** The answer for the next request (consumes a `once` answer). */
  take(): AutodiscoverAnswer;
}

export function createAutodiscoverControl(mailboxGuid: string): AutodiscoverControl {
  let standing: AutodiscoverAnswer = { kind: "settings" };
  let next: AutodiscoverAnswer | undefined;
  const requests: AutodiscoverRequestLog[] = [];
  return {
    requests,
    mailboxGuid,
    respondWith(answer, options = {}) {
      if (options.once) next = answer;
      else {
        standing = answer;
        next = undefined;
      }
    },
    reset() {
      standing = { kind: "settings" };
      next = undefined;
      requests.length = 0;
    },
    take() {
      const answer = next ?? standing;
      next = undefined;
      return answer;
    },
  };
}
