import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FuzzyLevel,
  NspiError,
  type NspiFilter,
  NspiRpcClient,
  Relop,
  RpcFaultError,
  rowMap,
  tcpTransportFactory,
} from "../src/index.js";

// NSPI over DCE/RPC over ncacn_ip_tcp against exchange-sim's RPC server and its directory
// (the same users its MAPI/HTTP address book serves).

const Tag = {
  DisplayName: 0x3001001f,
  EmailAddress: 0x3003001f,
  SmtpAddress: 0x39fe001f,
  Account: 0x3a00001f,
  ProxyAddresses: 0x800f101f,
  EntryId: 0x0fff0102,
  ContainerFlags: 0x36000003,
  Title: 0x3a17001f,
} as const;

let sim: ExchangeSim;
let client: NspiRpcClient;

beforeAll(async () => {
  sim = await startSim();
  client = await NspiRpcClient.connect({
    connectTransport: tcpTransportFactory({
      host: "127.0.0.1",
      endpointMapperPort: sim.rpc.endpointMapperPort,
    }),
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
      domain: sim.credentials.domain,
    },
  });
});

afterAll(async () => {
  await client?.close();
  await sim?.close();
});

describe("NSPI over ncacn_ip_tcp against exchange-sim", () => {
  it("NspiBind gave a handle and the server GUID; NspiGetSpecialTable lists the GAL container", async () => {
    expect(client.serverGuid?.length).toBe(16);
    const containers = await client.getSpecialTable();
    expect(containers).toHaveLength(1);
    expect(rowMap(containers[0] ?? []).get(Tag.ContainerFlags)).toBe(1);
    expect(sim.rpc.nspi.binds).toBe(1);
  });

  it("NspiQueryRows pages the Global Address List", async () => {
    const rows = [];
    for await (const row of client.queryRows({
      pageSize: 2,
      columns: [Tag.DisplayName, Tag.SmtpAddress, Tag.EmailAddress],
    })) {
      rows.push(rowMap(row));
    }
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const owner = rows.find((r) => r.get(Tag.SmtpAddress) === sim.credentials.email);
    expect(owner).toBeDefined();
    expect(String(owner?.get(Tag.EmailAddress))).toMatch(/\/cn=Recipients\/cn=/);
    const names = rows.map((r) => String(r.get(Tag.DisplayName)));
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" })));
    expect(sim.rpc.nspi.queryRows).toBeGreaterThanOrEqual(Math.ceil(rows.length / 2));
  });

  it("NspiResolveNamesW, NspiDNToMId and NspiGetProps agree on the owner", async () => {
    const { mids, rows } = await client.resolveNames(
      [sim.credentials.email, "nobody-here-xyz"],
      [Tag.DisplayName, Tag.EmailAddress],
    );
    expect(mids[1]).toBe(0); // MID_UNRESOLVED
    expect(mids[0]).toBeGreaterThan(2);
    expect(rows).toHaveLength(1);
    const dn = String(rowMap(rows[0] ?? []).get(Tag.EmailAddress));
    const [mid] = await client.dnToMid([dn, "/o=nowhere/cn=nobody"]);
    expect(mid).toBe(mids[0]);
    expect((await client.dnToMid(["/o=nowhere/cn=nobody"]))[0]).toBe(0);
    const props = rowMap(await client.getProps(mid as number));
    expect(props.get(Tag.SmtpAddress)).toBe(sim.credentials.email);
    expect(props.get(Tag.ProxyAddresses)).toContain(`SMTP:${sim.credentials.email}`);
    expect((props.get(Tag.EntryId) as Uint8Array).length).toBeGreaterThan(20);
    // A column the object lacks comes back as PtypErrorCode NotFound in its place.
    const partial = await client.getProps(mid as number, [Tag.DisplayName, Tag.Title]);
    expect(partial.map((p) => p.tag >>> 0)).toEqual([Tag.DisplayName, (Tag.Title & 0xffff0000) | 0x000a]);
    expect(partial[1]?.value).toEqual({ error: 0x8004010f });
  });

  it("NspiGetMatches: ambiguous name resolution and a prefix restriction on the display name", async () => {
    const { mids, rows } = await client.getMatches(
      { anr: sim.credentials.email },
      { columns: [Tag.SmtpAddress] },
    );
    expect(mids).toHaveLength(1);
    expect(rowMap(rows[0] ?? []).get(Tag.SmtpAddress)).toBe(sim.credentials.email);
    const all: string[] = [];
    for await (const row of client.queryRows({ columns: [Tag.DisplayName] }))
      all.push(String(rowMap(row).get(Tag.DisplayName)));
    const prefix = (all[0] as string).slice(0, 2);
    const byPrefix = await client.getMatches(
      { tag: Tag.DisplayName, fuzzyLevel: 0x10002, value: prefix.toLowerCase() },
      { columns: [Tag.DisplayName] },
    );
    const expected = all.filter((name) => name.toLowerCase().startsWith(prefix.toLowerCase()));
    expect(byPrefix.rows.map((r) => rowMap(r).get(Tag.DisplayName))).toEqual(expected);
    expect((await client.getMatches({ anr: "nobody-here-xyz" })).mids).toEqual([]);
  });

  it("NspiSeekEntries positions the GAL at the first display name at or after the target; queryRows reads on from there", async () => {
    const names: string[] = [];
    for await (const row of client.queryRows({ columns: [Tag.DisplayName] }))
      names.push(String(rowMap(row).get(Tag.DisplayName)));
    const target = names[Math.floor(names.length / 2)] as string;
    const middle = names.findIndex((n) => n.toLowerCase() === target.toLowerCase());
    const stat = await client.seekEntries(target.toLowerCase());
    expect(stat.numPos).toBe(middle);
    expect(stat.totalRecs).toBe(names.length);
    const rest: string[] = [];
    for await (const row of client.queryRows({ columns: [Tag.DisplayName], from: stat, pageSize: 7 }))
      rest.push(String(rowMap(row).get(Tag.DisplayName)));
    expect(rest).toEqual(names.slice(middle));
    const past = client.seekEntries("\uffff\uffff");
    await expect(past).rejects.toBeInstanceOf(NspiError);
    await expect(past).rejects.toMatchObject({ returnValue: 0x8004010f });
  });

  it("NspiGetMatches with AND / OR / NOT and exist restrictions, nested", async () => {
    const names: string[] = [];
    for await (const row of client.queryRows({ columns: [Tag.DisplayName] }))
      names.push(String(rowMap(row).get(Tag.DisplayName)));
    expect(names.length).toBeGreaterThan(3);
    const [first, second, third] = names as [string, string, string];
    const prefix = first.slice(0, 1).toLowerCase();
    const named = (value: string): NspiFilter => ({ tag: Tag.DisplayName, relop: Relop.eq, value });
    const startsWith: NspiFilter = {
      tag: Tag.DisplayName,
      fuzzyLevel: FuzzyLevel.prefix | FuzzyLevel.ignoreCase,
      value: prefix,
    };
    const display = async (filter: NspiFilter) =>
      (await client.getMatches(filter, { columns: [Tag.DisplayName], max: 1000 })).rows.map((r) =>
        String(rowMap(r).get(Tag.DisplayName)),
      );
    expect(await display({ or: [named(first), named(third)] })).toEqual([first, third]);
    expect(await display({ and: [startsWith, { not: named(first) }] })).toEqual(
      names.filter((n) => n.toLowerCase().startsWith(prefix) && n !== first),
    );
    expect(await display({ not: { or: [named(first), named(second)] } })).toEqual(
      names.filter((n) => n !== first && n !== second),
    );
    expect(await display({ and: [{ exists: Tag.DisplayName }, { or: [named(second)] }] })).toEqual([second]);
    expect(await display({ or: [] })).toEqual([]);
    expect(await display({ and: [] })).toEqual(names);
  });

  it("after NspiUnbind the handle is gone: a call faults with nca_s_fault_context_mismatch", async () => {
    const other = await NspiRpcClient.connect({
      connectTransport: tcpTransportFactory({ host: "127.0.0.1", port: sim.rpc.port }),
      credentials: {
        username: sim.credentials.username,
        password: sim.credentials.password,
        domain: sim.credentials.domain,
      },
    });
    await other.close();
    await expect(client.getSpecialTable()).resolves.toHaveLength(1);
    sim.rpc.inject({ kind: "fault", status: 0x1c00001a });
    await expect(client.getSpecialTable()).rejects.toBeInstanceOf(RpcFaultError);
  });
});
