import type ExcelJS from "exceljs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";

/**
 * Reading an uploaded .xlsx without letting it stall the server (issue 15.4; docs/decisions/0021-sheet-import.md).
 *
 * Everything runs in a worker thread, so other requests never wait for a sheet. Before any XML is parsed the
 * worker reads the zip's directory and refuses an archive whose parts declare more than `maxUncompressedBytes`
 * in all (zip bombs), inflates each part with its declared size as a hard ceiling (a part that lies about its size
 * is refused the moment it passes it), and reads each worksheet's declared dimension (`<dimension ref="A1:E100001">`)
 * to refuse a sheet whose used range goes past `maxDimensionRows` (100,000 rows, or one cell at row 1,048,576).
 * Only then are the rows read as a stream (exceljs WorkbookReader) and reading stops after `maxRows` non-empty
 * rows below the header. The worker has its own heap limit and a deadline; past either it is stopped and the
 * file refused. At most two sheets are read at once; further ones wait their turn.
 */

export interface SheetLimits {
  /** non-empty data rows to return; one more is read to tell the caller the sheet has more */
  maxRows: number;
  /** the highest row a worksheet may declare as used */
  maxDimensionRows: number;
  /** the sum of the declared uncompressed sizes of the archive's parts */
  maxUncompressedBytes: number;
  /** parts in the archive */
  maxEntries: number;
  /** the worker's deadline */
  timeoutMs: number;
  /** the worker's heap */
  maxHeapMb: number;
}

export const DEFAULT_SHEET_LIMITS: Omit<SheetLimits, "maxRows"> = {
  maxDimensionRows: 10_000,
  maxUncompressedBytes: 32 * 1024 * 1024,
  maxEntries: 500,
  timeoutMs: 15_000,
  maxHeapMb: 64,
};

export type SheetRefusal =
  | { reason: "unreadable" }
  | { reason: "too-large"; bytes: number }
  | { reason: "dimension"; rows: number }
  | { reason: "no-sheet" }
  | { reason: "timeout" };

export interface SheetRow {
  /** the sheet's own row number (the header is row 1) */
  row: number;
  /** the values of columns 1..columns, as exceljs gives them (Date for date cells) */
  cells: ExcelJS.CellValue[];
}

export type SheetRead = { ok: true; header: ExcelJS.CellValue[]; rows: SheetRow[]; more: boolean } | ({ ok: false } & SheetRefusal);

// The worker's program. It is plain CommonJS evaluated in the worker (eval), so it runs the same from the
// sources (tests) and from the server build, wherever that is written; exceljs is resolved by the main thread.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const zlib = require("node:zlib");
const { Readable } = require("node:stream");
const { bytes, limits, sheetName, columns, exceljsPath, readerPath } = workerData;
const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

class Refused extends Error {
  constructor(result) { super(result.reason); this.result = result; }
}
const refuse = (result) => { throw new Refused(result); };

// The zip's central directory: name, method, sizes and where each part's data starts.
function entries() {
  const min = Math.max(0, buf.length - 65557);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) refuse({ reason: "unreadable" });
  const count = buf.readUInt16LE(eocd + 10);
  const dirOffset = buf.readUInt32LE(eocd + 16);
  if (count > limits.maxEntries) refuse({ reason: "too-large", bytes: 0 });
  const list = [];
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) refuse({ reason: "unreadable" });
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLength);
    // zip64 markers: an .xlsx under the upload cap never needs them
    if (compressed === 0xffffffff || size === 0xffffffff || local === 0xffffffff) refuse({ reason: "too-large", bytes: 0 });
    list.push({ name, method, compressed, size, local });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return list;
}

function dataOf(e) {
  if (e.local + 30 > buf.length || buf.readUInt32LE(e.local) !== 0x04034b50) refuse({ reason: "unreadable" });
  const start = e.local + 30 + buf.readUInt16LE(e.local + 26) + buf.readUInt16LE(e.local + 28);
  if (start + e.compressed > buf.length) refuse({ reason: "unreadable" });
  return buf.subarray(start, start + e.compressed);
}

// Inflates a part as a stream, counting and discarding, with its declared size as the ceiling: a part larger
// than it says is refused as it passes it; memory stays at one chunk whatever the part holds.
function verify(e) {
  const data = dataOf(e);
  if (e.method === 0) return data.length === e.size ? Promise.resolve() : Promise.reject(new Refused({ reason: "unreadable" }));
  if (e.method !== 8) return Promise.reject(new Refused({ reason: "unreadable" }));
  return new Promise((resolve, reject) => {
    const inflater = zlib.createInflateRaw();
    let n = 0;
    inflater.on("data", (chunk) => {
      n += chunk.length;
      if (n > e.size) {
        inflater.destroy();
        reject(new Refused({ reason: "too-large", bytes: n }));
      }
    });
    inflater.on("end", () => (n === e.size ? resolve() : reject(new Refused({ reason: "unreadable" }))));
    inflater.on("error", () => reject(new Refused({ reason: "unreadable" })));
    inflater.end(data);
  });
}

function lastRowOf(ref) {
  const m = /^[A-Za-z]{0,3}(\d*)(?::[A-Za-z]{0,3}(\d+))?$/.exec(ref);
  if (!m) return 0;
  return Number(m[2] || m[1] || 0);
}

// The start of a part's XML: the first 4 KB of its compressed data, inflated as far as they go (at most ~4 MB
// even for the most compressible data), enough to find the <dimension> that comes before the rows.
function headOf(e) {
  const data = dataOf(e);
  if (e.method === 0) return data.subarray(0, 64 * 1024);
  try {
    return zlib.inflateRawSync(data.subarray(0, 4096), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

async function precheck() {
  const list = entries();
  // 1. what the archive declares, before inflating anything
  const total = list.reduce((sum, e) => sum + e.size, 0);
  if (total > limits.maxUncompressedBytes) refuse({ reason: "too-large", bytes: total });
  // 2. each worksheet's declared used range, from the start of its XML
  for (const e of list) {
    if (!/^xl\/worksheets\/[^/]+\.xml$/.test(e.name)) continue;
    const head = headOf(e);
    const m = /<(?:\w+:)?dimension\s+ref="([^"]*)"/.exec(head.toString("utf8", 0, Math.min(head.length, 64 * 1024)));
    const rows = m ? lastRowOf(m[1]) : 0;
    if (rows > limits.maxDimensionRows) refuse({ reason: "dimension", rows });
  }
  // 3. every part inflated with its declared size as the ceiling: a part that lies is refused as it passes it
  for (const e of list) await verify(e);
}

function plain(value) {
  // what exceljs gives is structured-clone safe (strings, numbers, Dates, plain objects); keep only that
  if (value === undefined) return null;
  return value;
}

// exceljs 4.4.0's streaming parser decodes each inflated chunk on its own, so a Chinese character split between
// two chunks comes out as U+FFFD (市教育局 → 市教育���). Its parse-sax module is replaced, before the reader loads
// it, by the same loop with a StringDecoder that carries partial characters over to the next chunk.
function patchSaxDecoding() {
  const Module = require("node:module");
  const { StringDecoder } = require("node:string_decoder");
  const file = require("node:path").join(require("node:path").dirname(readerPath), "../../utils/parse-sax.js");
  const { SaxesParser } = Module.createRequire(file)("saxes");
  const fixed = async function* (iterable) {
    const parser = new SaxesParser();
    const decoder = new StringDecoder("utf8");
    let error;
    parser.on("error", (e) => { error = e; });
    let events = [];
    parser.on("opentag", (value) => events.push({ eventType: "opentag", value }));
    parser.on("text", (value) => events.push({ eventType: "text", value }));
    parser.on("closetag", (value) => events.push({ eventType: "closetag", value }));
    for await (const chunk of iterable) {
      parser.write(typeof chunk === "string" ? chunk : decoder.write(chunk));
      if (error) throw error;
      yield events;
      events = [];
    }
    const rest = decoder.end();
    if (rest) parser.write(rest);
    if (error) throw error;
    if (events.length) yield events;
  };
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  m.exports = fixed;
  require.cache[file] = m;
}

async function read() {
  await precheck();
  patchSaxDecoding();
  // the streaming reader alone loads in half the time of the whole library
  let WorkbookReader;
  try {
    WorkbookReader = require(readerPath);
  } catch {
    WorkbookReader = require(exceljsPath).stream.xlsx.WorkbookReader;
  }
  const reader = new WorkbookReader(Readable.from([buf]), {
    sharedStrings: "cache", hyperlinks: "ignore", styles: "cache", worksheets: "emit", entries: "ignore",
  });
  let fallback = null;
  for await (const ws of reader) {
    const wanted = ws.name === sheetName;
    if (!wanted && fallback) {
      for await (const _ of ws) { /* another sheet: skip its rows */ }
      continue;
    }
    let header = null;
    const rows = [];
    let more = false;
    for await (const row of ws) {
      if (row.number > limits.maxDimensionRows) refuse({ reason: "dimension", rows: row.number });
      const cells = [];
      for (let c = 1; c <= columns; c++) cells.push(plain(row.getCell(c).value));
      if (row.number === 1) { header = cells; continue; }
      if (cells.every((v) => v === null || v === "")) continue;
      if (rows.length >= limits.maxRows) { more = true; break; }
      rows.push({ row: row.number, cells });
    }
    const result = { ok: true, header: header || [], rows, more };
    if (wanted) return result;
    fallback = result;
  }
  if (fallback) return fallback;
  refuse({ reason: "no-sheet" });
}

read().then(
  (result) => parentPort.postMessage(result),
  (error) => parentPort.postMessage(error instanceof Refused ? { ok: false, ...error.result } : { ok: false, reason: "unreadable" }),
);
`;

const exceljsPath = createRequire(import.meta.url).resolve("exceljs");
// exceljs 4.4.0 (pinned): its streaming reader module
const readerPath = join(dirname(exceljsPath), "lib/stream/xlsx/workbook-reader.js");

const MAX_PARALLEL = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Reads the first `columns` columns of the sheet named `sheetName` (else the workbook's first sheet), off the
 * request thread, within `limits`. Never throws for a bad file: a refusal says why.
 */
export function readSheet(bytes: Uint8Array, sheetName: string, columns: number, limits: SheetLimits): Promise<SheetRead> {
  return slot(
    () =>
      new Promise<SheetRead>((resolve) => {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { bytes, limits, sheetName, columns, exceljsPath, readerPath },
          resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 16 },
        });
        let settled = false;
        const finish = (result: SheetRead) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          void worker.terminate();
          resolve(result);
        };
        const timer = setTimeout(() => finish({ ok: false, reason: "timeout" }), limits.timeoutMs);
        worker.once("message", (result: SheetRead) => finish(result));
        // out of memory (ERR_WORKER_OUT_OF_MEMORY) or any crash: the file is refused, the server goes on
        worker.once("error", () => finish({ ok: false, reason: "unreadable" }));
        worker.once("exit", () => finish({ ok: false, reason: "unreadable" }));
      }),
  );
}
