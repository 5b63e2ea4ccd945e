import { createElement } from "react";
import { renderToPipeableStream } from "react-dom/server";
import { PassThrough, type Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { dropNulBytes } from "./html-stream.server";

/**
 * Renders `pad` ASCII letters (in short spans: the renderer encodes short strings into its 2,048-byte views) and
 * then 马爱国, with React's Node streaming renderer, piped through `via` when given.
 */
function render(pad: number, via?: () => Writable & NodeJS.ReadableStream): Promise<Buffer> {
  const spans = Array.from({ length: Math.ceil(pad / 500) }, (_, i) => createElement("span", { key: i }, "a".repeat(Math.min(500, pad - i * 500))));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const { pipe } = renderToPipeableStream(createElement("p", null, ...spans, createElement("b", { key: "name" }, "马爱国")), {
      onAllReady() {
        const sink = new PassThrough();
        sink.on("data", (c: Buffer) => chunks.push(c));
        sink.on("end", () => resolve(Buffer.concat(chunks)));
        sink.on("error", reject);
        if (via) {
          const filter = via();
          filter.pipe(sink);
          pipe(filter);
        } else pipe(sink);
      },
      onShellError: reject,
    });
  });
}

describe("dropNulBytes", () => {
  // the name lands at every offset around the end of the first view
  const pads = Array.from({ length: 16 }, (_, i) => 1978 + i);

  it("shows the renderer's fault it exists for: a Chinese character across a 2,048-byte view gets NUL bytes", async () => {
    const broken = [];
    for (const pad of pads) if ((await render(pad)).includes(0)) broken.push(pad);
    expect(broken.length).toBeGreaterThan(0);
  });

  it("gives the page as written", async () => {
    for (const pad of pads) {
      const html = await render(pad, dropNulBytes);
      expect(html.includes(0), `pad ${pad}`).toBe(false);
      expect(html.toString("utf8")).toContain("<b>马爱国</b>");
    }
  });

  it("passes chunks without NUL bytes through unchanged", async () => {
    const filter = dropNulBytes();
    const out: Buffer[] = [];
    filter.on("data", (c: Buffer) => out.push(c));
    filter.end(Buffer.from("询问提纲"));
    await new Promise((r) => filter.on("end", r));
    expect(Buffer.concat(out).toString("utf8")).toBe("询问提纲");
  });
});
