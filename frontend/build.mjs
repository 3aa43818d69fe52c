// Bundle the panel and the card into custom_components/vlm_guard/frontend/ and record in
// build.json what they were built from. Run through scripts/build_frontend (after npm ci).
//
// The sources hash is sha256 over the lines "<sha256 of file>  <path>\n" (sha256sum's own
// format) of every file under frontend/ except node_modules/, paths relative to frontend/
// with "/" and sorted; tests/test_frontend_build.py computes the same without Node.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

import { build, version } from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(HERE, "..", "custom_components", "vlm_guard", "frontend");
const BUNDLES = { "vlm-guard-panel": "src/panel.js", "vlm-guard-card": "src/card.js" };

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

async function files(folder) {
  const found = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (path !== join(HERE, "node_modules")) found.push(...(await files(path)));
    } else if (entry.isFile()) {
      found.push(relative(HERE, path).split(sep).join("/"));
    }
  }
  return found;
}

async function sourcesHash(paths) {
  let listing = "";
  for (const path of paths) listing += `${sha256(await readFile(join(HERE, path)))}  ${path}\n`;
  return sha256(listing);
}

const sources = (await files(HERE)).sort();
await mkdir(OUT, { recursive: true });
await build({
  absWorkingDir: HERE,
  entryPoints: BUNDLES,
  outdir: OUT,
  bundle: true,
  format: "esm",
  target: "es2021",
  minify: true,
  sourcemap: false,
  legalComments: "eof",
  logLevel: "warning",
});

const outputs = {};
for (const name of Object.keys(BUNDLES).sort()) {
  outputs[`${name}.js`] = sha256(await readFile(join(OUT, `${name}.js`)));
}
const record = { esbuild: version, sources_sha256: await sourcesHash(sources), sources, outputs };
await writeFile(join(OUT, "build.json"), `${JSON.stringify(record, null, 2)}\n`);
for (const [name, hash] of Object.entries(outputs)) console.log(`${name} ${hash.slice(0, 12)}`);
