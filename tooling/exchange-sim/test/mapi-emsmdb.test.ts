import { request as httpsRequest } from "node:https";
import {
  decodeRopResponseBuffer,
  decodeRpcHeaderExtChain,
  encodeRopRequestBuffer,
  encodeRpcHeaderExtChain,
  type RopRequest,
  RpcHeaderExtFlag,
  SessionTags,
} from "@mailwire/mapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExchangeSim, startSim } from "../src/index.js";

// The /mapi/emsmdb/ endpoint at the byte level, with Basic auth and hand-built bodies.

let sim: ExchangeSim;

interface Reply {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function post(requestType: string, body: Buffer, cookie?: string): Promise<Reply> {
  const auth = Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString("base64");
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${sim.origin}/mapi/emsmdb/`,
      {
        method: "POST",
        ca: sim.caPem,
        headers: {
          authorization: `Basic ${auth}`,
          "content-type": "application/mapi-http",
          "x-requesttype": requestType,
          "x-requestid": "{00000000-0000-0000-0000-000000000001}:1",
          "x-clientinfo": "{00000000-0000-0000-0000-000000000002}-1",
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function u32s(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => {
    out.writeUInt32LE(v, i * 4);
  });
  return out;
}

/** Splits PROCESSING/PENDING/DONE, the additional headers and the body. */
function split(body: Buffer): { tags: string[]; headers: string[]; payload: Buffer } {
  const end = body.indexOf("\r\n\r\n");
  const text = body.subarray(0, end).toString("latin1").split("\r\n");
  const done = text.indexOf("DONE");
  return { tags: text.slice(0, done + 1), headers: text.slice(done + 1), payload: body.subarray(end + 4) };
}

function cookiesOf(reply: Reply): string {
  const set = reply.headers["set-cookie"] ?? [];
  return (Array.isArray(set) ? set : [set]).map((c) => c.split(";")[0]).join("; ");
}

async function connect(): Promise<string> {
  const reply = await post(
    "Connect",
    Buffer.concat([Buffer.from("/o=mailwire/cn=Recipients/cn=x\0"), u32s(0, 1252, 1033, 1033, 0)]),
  );
  return cookiesOf(reply);
}

function executeBody(rops: RopRequest[], handles: number[], flags = 3): Buffer {
  const ropBuffer = encodeRpcHeaderExtChain([encodeRopRequestBuffer({ rops, handles })]);
  return Buffer.concat([u32s(flags, ropBuffer.length), ropBuffer, u32s(0x10008, 0)]);
}

beforeAll(async () => {
  sim = await startSim({ fixture: { largeMessageBytes: 0 } });
});
afterAll(async () => {
  await sim.close();
});

describe("exchange-sim /mapi/emsmdb/", () => {
  it("Connect: PROCESSING, DONE, additional headers, a success body and both session cookies", async () => {
    const reply = await post(
      "Connect",
      Buffer.concat([Buffer.from("/o=mailwire/cn=Recipients/cn=x\0"), u32s(0, 1252, 1033, 1033, 0)]),
    );
    expect(reply.headers["x-responsecode"]).toBe("0");
    expect(reply.headers["content-type"]).toBe("application/mapi-http");
    expect(reply.headers["transfer-encoding"]).toBe("chunked");
    expect(reply.headers["x-requesttype"]).toBe("Connect");
    expect(reply.headers["x-requestid"]).toBe("{00000000-0000-0000-0000-000000000001}:1");
    expect(cookiesOf(reply)).toMatch(/^MapiContext=[0-9a-f]+; MapiSequence=[0-9a-f]+$/);
    const { tags, headers, payload } = split(reply.body);
    expect(tags).toEqual(["PROCESSING", "DONE"]);
    expect(headers[0]).toBe("X-ResponseCode: 0");
    expect(payload.readUInt32LE(0)).toBe(0); // StatusCode
    expect(payload.readUInt32LE(4)).toBe(0); // ErrorCode
  });

  it("Execute without the context cookie, with a stale sequence, or for a forgotten context", async () => {
    const body = executeBody([], []);
    expect((await post("Execute", body)).headers["x-responsecode"]).toBe("13");
    const cookies = await connect();
    const first = await post(
      "Execute",
      executeBody([{ rop: "RopRelease", logonId: 0, inputHandleIndex: 0 }], [0xffffffff]),
      cookies,
    );
    expect(first.headers["x-responsecode"]).toBe("0");
    // The old MapiSequence is no longer valid.
    expect((await post("Execute", body, cookies)).headers["x-responsecode"]).toBe("15");
    expect((await post("Execute", body, "MapiContext=00; MapiSequence=00")).headers["x-responsecode"]).toBe(
      "10",
    );
  });

  it("answers a batch, cuts a QueryRows to fit the ROP buffer, and compresses when the Flags allow", async () => {
    const cookies = await connect();
    const inbox = 0n; // filled from the logon below
    const logon: RopRequest = {
      rop: "RopLogon",
      logonId: 0,
      outputHandleIndex: 0,
      logonFlags: 1,
      openFlags: 0x01000004,
      storeState: 0,
      essdn: "/o=mailwire/cn=Recipients/cn=x",
    };
    const reply = await post("Execute", executeBody([logon], [0xffffffff], 0), cookies);
    const { payload } = split(reply.body);
    const ropBuffer = payload.subarray(16, 16 + payload.readUInt32LE(12));
    const chain = decodeRpcHeaderExtChain(ropBuffer);
    expect(chain.headers[0]?.flags).toBe(
      RpcHeaderExtFlag.Compressed | RpcHeaderExtFlag.XorMagic | RpcHeaderExtFlag.Last,
    );
    const answer = decodeRopResponseBuffer(chain.payloads[0] as Uint8Array, [logon]);
    const logonResponse = answer.responses[0];
    expect(logonResponse).toMatchObject({ rop: "RopLogon", returnValue: 0 });
    const inboxId =
      logonResponse?.rop === "RopLogon" ? (logonResponse.privateMailbox?.folderIds[4] ?? inbox) : inbox;
    const logonHandle = answer.handles[0] as number;
    const columns = [SessionTags.PidTagMid, SessionTags.PidTagSubject, SessionTags.PidTagBody];
    const rops: RopRequest[] = [
      {
        rop: "RopOpenFolder",
        logonId: 0,
        inputHandleIndex: 0,
        outputHandleIndex: 1,
        folderId: inboxId,
        openModeFlags: 0,
      },
      { rop: "RopGetContentsTable", logonId: 0, inputHandleIndex: 1, outputHandleIndex: 2, tableFlags: 0x40 },
      { rop: "RopSetColumns", logonId: 0, inputHandleIndex: 2, setColumnsFlags: 0, propertyTags: columns },
      {
        rop: "RopQueryRows",
        logonId: 0,
        inputHandleIndex: 2,
        queryRowsFlags: 0,
        forwardRead: true,
        rowCount: 1000,
      },
    ];
    const cookies2 = `${cookies.split(";")[0]}; ${cookiesOf(reply)}`;
    const second = split(
      (await post("Execute", executeBody(rops, [logonHandle, 0xffffffff, 0xffffffff]), cookies2)).body,
    ).payload;
    const rows = decodeRopResponseBuffer(
      decodeRpcHeaderExtChain(second.subarray(16, 16 + second.readUInt32LE(12))).payloads[0] as Uint8Array,
      rops,
    );
    const query = rows.responses[3];
    const inboxCount = sim.store.messages(sim.store.specialFolder("inbox").id).length;
    expect(query).toMatchObject({ rop: "RopQueryRows", returnValue: 0, origin: 1 });
    const returned = query?.rop === "RopQueryRows" ? (query.rows?.length ?? 0) : 0;
    expect(returned).toBeGreaterThan(0);
    expect(returned).toBeLessThan(inboxCount);
  });
});
