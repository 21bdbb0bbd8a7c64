import { describe, expect, it } from "vitest";
import {
  AuthError,
  ErrorCode,
  isMailwireError,
  MailwireError,
  ParseError,
  ProtocolError,
  ServerBusyError,
  TimeoutError,
} from "../src/index.js";

describe("MailwireError hierarchy", () => {
  it("carries a stable code, name, retryable flag and details", () => {
    const error = new ServerBusyError("throttled", { retryAfterMs: 1500 });
    expect(error.code).toBe(ErrorCode.SERVER_BUSY);
    expect(error.name).toBe("ServerBusyError");
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(1500);
    expect(error.details).toEqual({ retryAfterMs: 1500 });
    expect(error).toBeInstanceOf(Error);
  });

  it("answers instanceof along the whole class chain", () => {
    const error = new ParseError("bad", { offset: 3 });
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toBeInstanceOf(MailwireError);
    expect(error).not.toBeInstanceOf(AuthError);
    expect(error.code).toBe(ErrorCode.PARSE);
    expect(isMailwireError(error)).toBe(true);
    expect(isMailwireError(new Error("plain"))).toBe(false);
  });

  it("survives a second copy of the package (brands are process-wide symbols)", () => {
    // An object built by another copy of the classes carries the same Symbol.for brand.
    const foreign = Object.create(Error.prototype) as Record<symbol, unknown>;
    Object.defineProperty(foreign, Symbol.for("mailwire.error.kinds"), {
      value: ["TimeoutError", "MailwireError"],
    });
    expect(foreign instanceof TimeoutError).toBe(true);
    expect(foreign instanceof MailwireError).toBe(true);
    expect(foreign instanceof AuthError).toBe(false);
  });

  it("auth failures are never retryable", () => {
    expect(new AuthError("no", { retryable: true } as never).retryable).toBe(false);
  });

  it("keeps the cause", () => {
    const cause = new Error("socket hang up");
    expect(new TimeoutError("slow", { cause, phase: "connect", timeoutMs: 5 }).cause).toBe(cause);
  });
});
