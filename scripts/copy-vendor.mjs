// Copy the third-party browser files the pages load from node_modules into static/vendor (not committed).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = [
  // zxing-cpp compiled to WebAssembly: the QR decoder of the scanner page
  ["node_modules/zxing-wasm/dist/iife/reader/index.js", "static/vendor/zxing-wasm/zxing-reader.js"],
  ["node_modules/zxing-wasm/dist/reader/zxing_reader.wasm", "static/vendor/zxing-wasm/zxing_reader.wasm"],
];
for (const [from, to] of files) {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(join(root, from), join(root, to));
}
console.log(`vendor: ${files.length} files copied to static/vendor`);
