import type { Readable, Writable } from "node:stream";
import { AbortError } from "@mailwire/core";

/**
 * Reads a password: on a terminal without echo (raw mode, one key at a time, Backspace and
 * Ctrl-C handled), otherwise the first line of stdin, so `echo "$PW" | mailbox connect` works.
 */
export function promptSecret(question: string, input: Readable, output: Writable): Promise<string> {
  const tty = input as Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };
  output.write(question);
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (error?: Error) => {
      input.off("data", onData);
      input.off("end", onEnd);
      if (tty.isTTY) tty.setRawMode?.(false);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onEnd = () => finish();
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === "\r" || char === "\n") return finish();
        if (char === "\u0003") return finish(new AbortError("password prompt cancelled"));
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    if (tty.isTTY) tty.setRawMode?.(true);
    input.on("data", onData);
    input.on("end", onEnd);
    input.resume();
  });
}
