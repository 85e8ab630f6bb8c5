// Builds the widget into one script and one stylesheet: socket.io-client (from node_modules,
// installed by `npm ci`) in front of src/widget.js, so a page needs no CDN and one <script> tag.
// Usage: node build.mjs <output folder>
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const out = resolve(process.argv[2] || join(here, "dist"));
const client = join(here, "node_modules", "socket.io-client");
const { version } = JSON.parse(readFileSync(join(client, "package.json"), "utf8"));

const socketio = readFileSync(join(client, "dist", "socket.io.min.js"), "utf8")
  .replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
const widget = readFileSync(join(here, "src", "widget.js"), "utf8");

// socket.io-client is a UMD bundle: with no module system in scope it sets window.io. The
// wrapper takes it from there and gives the page back whatever `io` it had before.
const bundle = `/*! Clinic chat widget, with socket.io-client ${version} (MIT License, see
 * socket.io-client.LICENSE beside this file). */
(function () {
var previousIo = window.io, define, exports, module;
${socketio}
var io = window.io;
if (previousIo === undefined) { delete window.io; } else { window.io = previousIo; }
${widget}
})();
`;

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "clinic-chat.js"), bundle);
copyFileSync(join(here, "src", "widget.css"), join(out, "clinic-chat.css"));
copyFileSync(join(client, "LICENSE"), join(out, "socket.io-client.LICENSE"));
console.log(`widget built in ${out} (socket.io-client ${version})`);
