import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpClient, type HttpClient, ProtocolError } from "@mailwire/core";
import { AddressBookTags, createStat, MidPosition, PropertyType } from "@mailwire/mapi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AddressBookRow,
  encodeMetaTag,
  encodeResponseTail,
  MapiHttpAddressBook,
  MapiHttpError,
  MetaTag,
  NspiBodies,
} from "../src/index.js";

// MapiHttpAddressBook against a scripted HTTP server that answers with NspiBodies' server side.

type Answer = { body: Uint8Array; cookies?: string[]; keepAlives?: number } | { responseCode: number };
type Script = (requestType: string, body: Buffer) => Answer;
let script: Script;
let server: Server;
let http: HttpClient;
let url: string;
const seen: { headers: IncomingMessage["headers"]; body: Buffer }[] = [];
const empty = new Uint8Array(0);

function reply(res: ServerResponse, answer: Answer): void {
  if ("responseCode" in answer) {
    res.writeHead(200, {
      "Content-Type": "application/mapi-http",
      "X-ResponseCode": String(answer.responseCode),
      "Content-Length": "0",
    });
    res.end();
    return;
  }
  res.writeHead(200, {
    "Content-Type": "application/mapi-http",
    "X-ResponseCode": "0",
    ...(answer.cookies ? { "Set-Cookie": answer.cookies } : {}),
  });
  res.end(
    Buffer.concat([
      encodeMetaTag(MetaTag.PROCESSING),
      ...Array.from({ length: answer.keepAlives ?? 0 }, () => encodeMetaTag(MetaTag.PENDING)),
      encodeMetaTag(MetaTag.DONE),
      encodeResponseTail({ "X-ResponseCode": "0" }, answer.body),
    ]),
  );
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ headers: req.headers, body });
    reply(res, script(String(req.headers["x-requesttype"]), body));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mapi/nspi/`;
  http = createHttpClient({ retry: false });
});

afterAll(async () => {
  await http.close();
  server.close();
});

beforeEach(() => {
  seen.length = 0;
});

const bindOk = NspiBodies.Bind.response.encode({
  statusCode: 0,
  errorCode: 0,
  serverGuid: "11112222-3333-4444-5555-666677778888",
  auxiliaryBuffer: empty,
});
const unbindOk = NspiBodies.Unbind.response.encode({ statusCode: 0, errorCode: 1, auxiliaryBuffer: empty });
const columns = [AddressBookTags.PidTagDisplayName];
const row = (name: string): AddressBookRow => [{ kind: "value", type: PropertyType.PtypString, value: name }];

describe("MapiHttpAddressBook against a scripted server", () => {
  it("sends the MAPI/HTTP headers, keeps the session cookies and counts PENDING keep-alives", async () => {
    script = (type) => {
      if (type === "Bind")
        return { body: bindOk, cookies: ["MapiContext=ctx1; path=/", "MapiSequence=s1; path=/"] };
      if (type === "Unbind") return { body: unbindOk };
      return {
        body: NspiBodies.GetMailboxUrl.response.encode({
          statusCode: 0,
          errorCode: 0,
          serverUrl: "https://mail.example/mapi/emsmdb/?MailboxId=x",
          auxiliaryBuffer: empty,
        }),
        cookies: ["MapiSequence=s2; path=/"],
        keepAlives: 2,
      };
    };
    const book = await MapiHttpAddressBook.connect({ url, http, clientApplication: "test/1.0" });
    expect(await book.getMailboxUrl("/o=Example/cn=Servers/cn=MBX")).toBe(
      "https://mail.example/mapi/emsmdb/?MailboxId=x",
    );
    expect(book.stats.pendingKeepAlives).toBe(2);
    await book.close();
    const [bind, getUrl, unbind] = seen;
    expect(bind?.headers["x-requesttype"]).toBe("Bind");
    expect(bind?.headers["content-type"]).toBe("application/mapi-http");
    expect(bind?.headers["x-clientapplication"]).toBe("test/1.0");
    expect(bind?.headers.cookie).toBeUndefined();
    expect(getUrl?.headers["x-requestid"]).toMatch(/^\{[0-9A-F-]{36}\}:2$/);
    expect(getUrl?.headers["x-clientinfo"]).toMatch(/^\{[0-9A-F-]{36}\}-1$/);
    expect(getUrl?.headers.cookie).toBe("MapiContext=ctx1; MapiSequence=s1");
    expect(unbind?.headers.cookie).toBe("MapiContext=ctx1; MapiSequence=s2");
    expect(NspiBodies.GetMailboxUrl.request.decode(getUrl?.body as Buffer)).toMatchObject({
      serverDn: "/o=Example/cn=Servers/cn=MBX",
    });
  });

  it("queryRows without a STAT in the answers moves on by Delta; a position that never moves is an error", async () => {
    const names = ["A1", "A2", "B1", "B2", "C1"];
    script = (type, body) => {
      if (type === "Bind") return { body: bindOk };
      if (type === "Unbind") return { body: unbindOk };
      const request = NspiBodies.QueryRows.request.decode(body);
      const start = request.state?.delta ?? 0;
      const rows = names.slice(start, start + request.rowCount).map(row);
      return {
        body: NspiBodies.QueryRows.response.encode({
          statusCode: 0,
          errorCode: 0,
          columnsAndRows: { columns, rows },
          auxiliaryBuffer: empty,
        }),
      };
    };
    const book = await MapiHttpAddressBook.connect({ url, http });
    const got: string[] = [];
    for await (const entry of book.queryRows({ pageSize: 2, columns })) got.push(entry.displayName as string);
    expect(got).toEqual(names);

    // A server that hands back the same STAT with every full page would be paged forever.
    const stuck = createStat({ currentRec: 0x20, numPos: 3 });
    script = (type) =>
      type === "Unbind"
        ? { body: unbindOk }
        : {
            body: NspiBodies.QueryRows.response.encode({
              statusCode: 0,
              errorCode: 0,
              state: stuck,
              columnsAndRows: { columns, rows: [row("x"), row("y")] },
              auxiliaryBuffer: empty,
            }),
          };
    const pages = async () => {
      for await (const _ of book.queryRows({ pageSize: 2, columns })) {
        // drain
      }
    };
    await expect(pages()).rejects.toBeInstanceOf(ProtocolError);
    await book.close();
  });

  it("ends paging at MID_END_OF_TABLE even after a full page", async () => {
    script = (type) => {
      if (type === "Bind") return { body: bindOk };
      if (type === "Unbind") return { body: unbindOk };
      return {
        body: NspiBodies.QueryRows.response.encode({
          statusCode: 0,
          errorCode: 0,
          state: createStat({ currentRec: MidPosition.MID_END_OF_TABLE, numPos: 2, totalRecs: 2 }),
          columnsAndRows: { columns, rows: [row("x"), row("y")] },
          auxiliaryBuffer: empty,
        }),
      };
    };
    const book = await MapiHttpAddressBook.connect({ url, http });
    const got = [];
    for await (const entry of book.queryRows({ pageSize: 2, columns })) got.push(entry);
    expect(got).toHaveLength(2);
    expect(seen.filter((s) => s.headers["x-requesttype"] === "QueryRows")).toHaveLength(1);
    await book.close();
  });

  it("NSPI errors, failure bodies and X-ResponseCode become MapiHttpError; a context lost during Bind is not retried", async () => {
    script = (type) => {
      if (type === "Bind") return { body: bindOk };
      if (type === "Unbind") return { body: unbindOk };
      if (type === "DNToMId")
        return { body: NspiBodies.DNToMId.response.encode({ statusCode: 7, auxiliaryBuffer: empty }) };
      return {
        body: NspiBodies.GetPropList.response.encode({
          statusCode: 0,
          errorCode: 0x8004010f,
          auxiliaryBuffer: empty,
        }),
      };
    };
    const book = await MapiHttpAddressBook.connect({ url, http });
    await expect(book.getPropList(5)).rejects.toMatchObject({
      requestType: "GetPropList",
      errorCode: 0x8004010f,
    });
    await expect(book.dnToMId(["/o=x"])).rejects.toMatchObject({ requestType: "DNToMId", statusCode: 7 });
    await book.close();

    script = () => ({ responseCode: 10 });
    const error = await MapiHttpAddressBook.connect({ url, http }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MapiHttpError);
    expect((error as MapiHttpError).responseCode).toBe(10);
    expect(seen.filter((s) => s.headers["x-requesttype"] === "Bind").length).toBe(2);
  });

  it("calls before bind() and after close() fail with ClosedError without a request", async () => {
    const book = new MapiHttpAddressBook({ url, http });
    await expect(book.queryColumns()).rejects.toMatchObject({ code: "MW_CLOSED" });
    expect(seen).toHaveLength(0);
  });
});
