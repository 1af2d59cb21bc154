// Renders public/icons/icon.svg into the PNG icons the web app manifest, iOS and the favicon use,
// in Debian's Chromium (no image library needed). The PNGs are committed; run this after editing
// the SVG: node scripts/icons.ts
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const svg = readFileSync("public/icons/icon.svg", "utf8");
// Maskable icons are cropped to a circle of 80% of their size: the same drawing, scaled into that
// safe zone on a full-bleed background.
const maskable = svg
  .replace('rx="112"', 'rx="0"')
  .replace(/<path|<circle/, (m) => `<g transform="translate(51.2 51.2) scale(0.8)">${m}`)
  .replace("</svg>", "</g></svg>");

const outputs = [
  { file: "public/icons/icon-192.png", size: 192, source: svg },
  { file: "public/icons/icon-512.png", size: 512, source: svg },
  { file: "public/icons/icon-maskable-512.png", size: 512, source: maskable },
  { file: "public/icons/apple-touch-icon.png", size: 180, source: maskable },
  { file: "favicon-32", size: 32, source: svg },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const pngs = new Map<string, Buffer>();
for (const { file, size, source } of outputs) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(
    `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${source}`,
  );
  const png = await page.screenshot({
    omitBackground: true,
    clip: { x: 0, y: 0, width: size, height: size },
  });
  pngs.set(file, png);
  if (file.endsWith(".png")) writeFileSync(file, png);
  await page.close();
}
await browser.close();

// favicon.ico: an ICO container holding one 32×32 PNG (supported by every current browser).
const png32 = pngs.get("favicon-32")!;
const header = Buffer.alloc(22);
header.writeUInt16LE(0, 0); // reserved
header.writeUInt16LE(1, 2); // type: icon
header.writeUInt16LE(1, 4); // one image
header.writeUInt8(32, 6); // width
header.writeUInt8(32, 7); // height
header.writeUInt8(0, 8); // no palette
header.writeUInt8(0, 9); // reserved
header.writeUInt16LE(1, 10); // colour planes
header.writeUInt16LE(32, 12); // bits per pixel
header.writeUInt32LE(png32.length, 14); // image size
header.writeUInt32LE(22, 18); // image offset
writeFileSync("public/favicon.ico", Buffer.concat([header, png32]));
console.info("wrote public/icons/*.png and public/favicon.ico");
