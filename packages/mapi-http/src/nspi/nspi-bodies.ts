import { optional, type RequestBody, type ResponseBody, requestBody, responseBody } from "./nspi-body.js";
import {
  asciiNames,
  asciiZ,
  bool,
  columnsAndRows,
  guid,
  i32,
  minimalIds,
  propertyName,
  restriction,
  stat,
  tagArray,
  taggedValue,
  u32,
  unicodeNames,
  unicodeZ,
  valueList,
  valueLists,
} from "./nspi-fields.js";

// The request and response bodies of the address book endpoint, MS-OXCMAPIHTTP 2.2.5.x.
// Field order is wire order. Reserved and Flags fields are kept so that a decoded body
// re-encodes to the same bytes. Every response carries StatusCode, then (when it is 0)
// ErrorCode and the fields listed, then the auxiliary buffer.

// 2.2.5.1 Bind
const bindRequestSchema = { flags: u32, state: optional(stat) };
const bindResponseSchema = { serverGuid: guid };
// 2.2.5.2 Unbind
const unbindRequestSchema = { reserved: u32 };
const unbindResponseSchema = {};
// 2.2.5.3 CompareMIds
const compareMIdsRequestSchema = { reserved: u32, state: optional(stat), minimalId1: u32, minimalId2: u32 };
const compareMIdsResponseSchema = { result: i32 };
// 2.2.5.4 DNToMId
const dnToMIdRequestSchema = { reserved: u32, names: optional(asciiNames) };
const dnToMIdResponseSchema = { minimalIds: optional(minimalIds) };
// 2.2.5.5 GetMatches
const getMatchesRequestSchema = {
  reserved: u32,
  state: optional(stat),
  minimalIds: optional(minimalIds),
  interfaceOptionFlags: u32,
  filter: optional(restriction),
  propertyName: optional(propertyName),
  rowCount: u32,
  columns: optional(tagArray),
};
const getMatchesResponseSchema = {
  state: optional(stat),
  minimalIds: optional(minimalIds),
  columnsAndRows: optional(columnsAndRows),
};
// 2.2.5.6 GetPropList
const getPropListRequestSchema = { flags: u32, minimalId: u32, codePage: u32 };
const getPropListResponseSchema = { propertyTags: optional(tagArray) };
// 2.2.5.7 GetProps
const getPropsRequestSchema = { flags: u32, state: optional(stat), propertyTags: optional(tagArray) };
const getPropsResponseSchema = { codePage: u32, propertyValues: optional(valueList) };
// 2.2.5.8 GetSpecialTable
const getSpecialTableRequestSchema = { flags: u32, state: optional(stat), version: optional(u32) };
const getSpecialTableResponseSchema = { codePage: u32, version: optional(u32), rows: optional(valueLists) };
// 2.2.5.9 GetTemplateInfo
const getTemplateInfoRequestSchema = {
  flags: u32,
  displayType: u32,
  templateDn: optional(asciiZ),
  codePage: u32,
  localeId: u32,
};
const getTemplateInfoResponseSchema = { codePage: u32, row: optional(valueList) };
// 2.2.5.12 QueryRows (the Explicit Table has a count but no Has flag)
const queryRowsRequestSchema = {
  flags: u32,
  state: optional(stat),
  explicitTable: minimalIds,
  rowCount: u32,
  columns: optional(tagArray),
};
const queryRowsResponseSchema = { state: optional(stat), columnsAndRows: optional(columnsAndRows) };
// 2.2.5.13 QueryColumns
const queryColumnsRequestSchema = { reserved: u32, mapiFlags: u32 };
const queryColumnsResponseSchema = { columns: optional(tagArray) };
// 2.2.5.14 ResolveNames
const resolveNamesRequestSchema = {
  reserved: u32,
  state: optional(stat),
  propertyTags: optional(tagArray),
  names: optional(unicodeNames),
};
const resolveNamesResponseSchema = {
  codePage: u32,
  minimalIds: optional(minimalIds),
  columnsAndRows: optional(columnsAndRows),
};
// 2.2.5.16 SeekEntries
const seekEntriesRequestSchema = {
  reserved: u32,
  state: optional(stat),
  target: optional(taggedValue),
  explicitTable: optional(minimalIds),
  columns: optional(tagArray),
};
const seekEntriesResponseSchema = { state: optional(stat), columnsAndRows: optional(columnsAndRows) };
// 2.2.5.17 UpdateStat
const updateStatRequestSchema = { reserved: u32, state: optional(stat), deltaRequested: bool };
const updateStatResponseSchema = { state: optional(stat), delta: optional(i32) };
// 2.2.5.18 GetMailboxUrl
const getMailboxUrlRequestSchema = { flags: u32, serverDn: unicodeZ };
const getMailboxUrlResponseSchema = { serverUrl: unicodeZ };
// 2.2.5.19 GetAddressBookUrl
const getAddressBookUrlRequestSchema = { flags: u32, userDn: unicodeZ };
const getAddressBookUrlResponseSchema = { serverUrl: unicodeZ };

export type BindRequest = RequestBody<typeof bindRequestSchema>;
export type BindResponse = ResponseBody<typeof bindResponseSchema>;
export type UnbindRequest = RequestBody<typeof unbindRequestSchema>;
export type UnbindResponse = ResponseBody<typeof unbindResponseSchema>;
export type CompareMIdsRequest = RequestBody<typeof compareMIdsRequestSchema>;
export type CompareMIdsResponse = ResponseBody<typeof compareMIdsResponseSchema>;
export type DnToMIdRequest = RequestBody<typeof dnToMIdRequestSchema>;
export type DnToMIdResponse = ResponseBody<typeof dnToMIdResponseSchema>;
export type GetMatchesRequest = RequestBody<typeof getMatchesRequestSchema>;
export type GetMatchesResponse = ResponseBody<typeof getMatchesResponseSchema>;
export type GetPropListRequest = RequestBody<typeof getPropListRequestSchema>;
export type GetPropListResponse = ResponseBody<typeof getPropListResponseSchema>;
export type GetPropsRequest = RequestBody<typeof getPropsRequestSchema>;
export type GetPropsResponse = ResponseBody<typeof getPropsResponseSchema>;
export type GetSpecialTableRequest = RequestBody<typeof getSpecialTableRequestSchema>;
export type GetSpecialTableResponse = ResponseBody<typeof getSpecialTableResponseSchema>;
export type GetTemplateInfoRequest = RequestBody<typeof getTemplateInfoRequestSchema>;
export type GetTemplateInfoResponse = ResponseBody<typeof getTemplateInfoResponseSchema>;
export type QueryRowsRequest = RequestBody<typeof queryRowsRequestSchema>;
export type QueryRowsResponse = ResponseBody<typeof queryRowsResponseSchema>;
export type QueryColumnsRequest = RequestBody<typeof queryColumnsRequestSchema>;
export type QueryColumnsResponse = ResponseBody<typeof queryColumnsResponseSchema>;
export type ResolveNamesRequest = RequestBody<typeof resolveNamesRequestSchema>;
export type ResolveNamesResponse = ResponseBody<typeof resolveNamesResponseSchema>;
export type SeekEntriesRequest = RequestBody<typeof seekEntriesRequestSchema>;
export type SeekEntriesResponse = ResponseBody<typeof seekEntriesResponseSchema>;
export type UpdateStatRequest = RequestBody<typeof updateStatRequestSchema>;
export type UpdateStatResponse = ResponseBody<typeof updateStatResponseSchema>;
export type GetMailboxUrlRequest = RequestBody<typeof getMailboxUrlRequestSchema>;
export type GetMailboxUrlResponse = ResponseBody<typeof getMailboxUrlResponseSchema>;
export type GetAddressBookUrlRequest = RequestBody<typeof getAddressBookUrlRequestSchema>;
export type GetAddressBookUrlResponse = ResponseBody<typeof getAddressBookUrlResponseSchema>;

/**
 * The codec of every address book request type, by its X-RequestType name: `request` and
 * `response` each with `encode` and `decode` (the client encodes requests and decodes
 * responses; a server or simulator does the opposite).
 */
export const NspiBodies = {
  Bind: {
    request: requestBody("Bind", bindRequestSchema),
    response: responseBody("Bind", bindResponseSchema),
  },
  Unbind: {
    request: requestBody("Unbind", unbindRequestSchema),
    response: responseBody("Unbind", unbindResponseSchema),
  },
  CompareMIds: {
    request: requestBody("CompareMIds", compareMIdsRequestSchema),
    response: responseBody("CompareMIds", compareMIdsResponseSchema),
  },
  DNToMId: {
    request: requestBody("DNToMId", dnToMIdRequestSchema),
    response: responseBody("DNToMId", dnToMIdResponseSchema),
  },
  GetMatches: {
    request: requestBody("GetMatches", getMatchesRequestSchema),
    response: responseBody("GetMatches", getMatchesResponseSchema),
  },
  GetPropList: {
    request: requestBody("GetPropList", getPropListRequestSchema),
    response: responseBody("GetPropList", getPropListResponseSchema),
  },
  GetProps: {
    request: requestBody("GetProps", getPropsRequestSchema),
    response: responseBody("GetProps", getPropsResponseSchema),
  },
  GetSpecialTable: {
    request: requestBody("GetSpecialTable", getSpecialTableRequestSchema),
    response: responseBody("GetSpecialTable", getSpecialTableResponseSchema),
  },
  GetTemplateInfo: {
    request: requestBody("GetTemplateInfo", getTemplateInfoRequestSchema),
    response: responseBody("GetTemplateInfo", getTemplateInfoResponseSchema),
  },
  QueryRows: {
    request: requestBody("QueryRows", queryRowsRequestSchema),
    response: responseBody("QueryRows", queryRowsResponseSchema),
  },
  QueryColumns: {
    request: requestBody("QueryColumns", queryColumnsRequestSchema),
    response: responseBody("QueryColumns", queryColumnsResponseSchema),
  },
  ResolveNames: {
    request: requestBody("ResolveNames", resolveNamesRequestSchema),
    response: responseBody("ResolveNames", resolveNamesResponseSchema),
  },
  SeekEntries: {
    request: requestBody("SeekEntries", seekEntriesRequestSchema),
    response: responseBody("SeekEntries", seekEntriesResponseSchema),
  },
  UpdateStat: {
    request: requestBody("UpdateStat", updateStatRequestSchema),
    response: responseBody("UpdateStat", updateStatResponseSchema),
  },
  GetMailboxUrl: {
    request: requestBody("GetMailboxUrl", getMailboxUrlRequestSchema),
    response: responseBody("GetMailboxUrl", getMailboxUrlResponseSchema),
  },
  GetAddressBookUrl: {
    request: requestBody("GetAddressBookUrl", getAddressBookUrlRequestSchema),
    response: responseBody("GetAddressBookUrl", getAddressBookUrlResponseSchema),
  },
} as const;

/** X-RequestType values of the address book endpoint (MS-OXCMAPIHTTP 2.2.3.1.1) this package speaks. */
export type AddressBookRequestType = keyof typeof NspiBodies;

export const AddressBookRequestType = Object.fromEntries(Object.keys(NspiBodies).map((k) => [k, k])) as {
  readonly [K in AddressBookRequestType]: K;
};
