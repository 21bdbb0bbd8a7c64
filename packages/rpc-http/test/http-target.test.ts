import { ErrorCode } from "@mailwire/core";
import { describe, expect, it } from "vitest";
import { channelUrl } from "../src/http/http-channels.js";
import { rpcOverHttpTarget } from "../src/http/rpc-over-http-target.js";

describe("rpcOverHttpTarget (autodiscover EXCH/EXPR → proxy URL, server, msstd:)", () => {
  it("maps an Exchange 2013+ answer (GUID@domain server, msstd: principal)", () => {
    const target = rpcOverHttpTarget({
      mailboxServer: "5a6c1d27-1d8c-4c1b-9d3e-2b5b5d8f1e0a@contoso.com",
      proxyServer: "mail.contoso.com",
      sslRequired: true,
      certPrincipalName: "msstd:mail.contoso.com",
      authPackage: "Ntlm",
    });
    expect(target).toEqual({
      proxyUrl: "https://mail.contoso.com/rpc/rpcproxy.dll",
      server: "5a6c1d27-1d8c-4c1b-9d3e-2b5b5d8f1e0a@contoso.com",
      expectedPrincipalName: "msstd:mail.contoso.com",
    });
    expect(channelUrl(target.proxyUrl, target.server, 6004).href).toBe(
      "https://mail.contoso.com/rpc/rpcproxy.dll?5a6c1d27-1d8c-4c1b-9d3e-2b5b5d8f1e0a@contoso.com:6004",
    );
  });

  it("uses http only when EXPR says SSL Off", () => {
    expect(
      rpcOverHttpTarget({ mailboxServer: "exch01", proxyServer: "proxy.local", sslRequired: false }).proxyUrl,
    ).toBe("http://proxy.local/rpc/rpcproxy.dll");
  });

  it("refuses missing blocks and a proxy 'host' that is a URL", () => {
    expect(() => rpcOverHttpTarget({ mailboxServer: "exch01" })).toThrow(
      expect.objectContaining({ code: ErrorCode.PROTOCOL, name: "RpcHttpError" }),
    );
    expect(() =>
      rpcOverHttpTarget({ mailboxServer: "exch01", proxyServer: "https://evil.example/x" }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.PROTOCOL }));
  });

  it("refuses a server name that would break the proxy URL", () => {
    expect(() => channelUrl("https://mail.contoso.com", "exch01/../x", 6001)).toThrow(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
  });
});
