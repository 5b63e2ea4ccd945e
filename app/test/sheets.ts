import { crc32, deflateRawSync } from "node:zlib";

/**
 * Hostile and large .xlsx files for the import tests and the benchmark (issue 15.4), written directly as zip
 * archives so that building them costs little: a sheet of 100,000 rows, a sheet with one cell at row 1,048,576,
 * zip bombs (honest and lying about their size).
 */

interface ZipEntry {
  name: string;
  data: Buffer;
  /** the uncompressed size written in the headers (a zip bomb that lies gives less than data.length) */
  declaredSize?: number;
}

/** A zip archive (deflate) of the entries, in order. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const compressed = deflateRawSync(e.data, { level: 9 });
    const size = e.declaredSize ?? e.data.length;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += 30 + name.length + compressed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

function esc(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function column(i: number): string {
  return String.fromCharCode(65 + i);
}

/** The parts of a one-sheet workbook named 整改事项 around the given worksheet XML. */
function workbook(sheetXml: Buffer | string, extra: ZipEntry[] = []): Buffer {
  return zip([
    {
      name: "[Content_Types].xml",
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
      ),
    },
    {
      name: "_rels/.rels",
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      ),
    },
    { name: "xl/workbook.xml", data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><workbook ${NS} ${REL_NS}><sheets><sheet name="整改事项" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      ),
    },
    { name: "xl/sharedStrings.xml", data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><sst ${NS} count="0" uniqueCount="0"/>`) },
    ...extra,
    { name: "xl/worksheets/sheet1.xml", data: Buffer.isBuffer(sheetXml) ? sheetXml : Buffer.from(sheetXml) },
  ]);
}

function rowXml(r: number, cells: string[]): string {
  return `<row r="${r}">${cells.map((v, i) => `<c r="${column(i)}${r}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join("")}</row>`;
}

export const IMPORT_HEADER = ["问题", "整改要求", "牵头单位", "配合单位", "整改时限"];

/**
 * A sheet of `rows` data rows under the import header (1.75 MB for 100,000 rows, as in issue 15.4), with its
 * declared dimension unless `dimension: false` (then only reading it tells how long it is).
 */
export function manyRowsSheet(rows = 100_000, options: { dimension?: boolean } = {}): Buffer {
  const parts: string[] = [`<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}>`];
  if (options.dimension !== false) parts.push(`<dimension ref="A1:E${rows + 1}"/>`);
  parts.push("<sheetData>", rowXml(1, IMPORT_HEADER));
  for (let r = 2; r <= rows + 1; r++) parts.push(rowXml(r, [`第${r}项问题`, "", "市教育局", "", "2099-06-30"]));
  parts.push("</sheetData></worksheet>");
  return workbook(parts.join(""));
}

/** A 2 KB sheet: the header and one cell at the last row Excel has (1,048,576), its dimension saying so. */
export function sparseSheet(options: { dimension?: boolean } = {}): Buffer {
  const dimension = options.dimension === false ? "" : '<dimension ref="A1:E1048576"/>';
  return workbook(`<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}>${dimension}<sheetData>${rowXml(1, IMPORT_HEADER)}${rowXml(1_048_576, ["x"])}</sheetData></worksheet>`);
}

/**
 * A zip bomb under the 2 MB upload cap: a worksheet whose XML is `megabytes` MB of blanks inside sheetData.
 * `lie` writes a small uncompressed size in the headers, so only inflating tells the truth.
 */
export function zipBomb(megabytes = 64, options: { lie?: boolean } = {}): Buffer {
  const head = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${rowXml(1, IMPORT_HEADER)}`);
  const tail = Buffer.from("</sheetData></worksheet>");
  const xml = Buffer.concat([head, Buffer.alloc(megabytes * 1024 * 1024, 0x20), tail]);
  return zip([
    { name: "xl/workbook.xml", data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><workbook ${NS} ${REL_NS}><sheets><sheet name="整改事项" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      ),
    },
    { name: "xl/worksheets/sheet1.xml", data: xml, declaredSize: options.lie ? 4096 : undefined },
  ]);
}

/** A small, valid sheet of the given text rows under the import header (for date and text cases). */
export function textSheet(rows: string[][]): Buffer {
  const body = [rowXml(1, IMPORT_HEADER), ...rows.map((cells, i) => rowXml(i + 2, cells))].join("");
  return workbook(`<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><dimension ref="A1:E${rows.length + 1}"/><sheetData>${body}</sheetData></worksheet>`);
}
