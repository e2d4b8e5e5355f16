// Checks YAML files against docs/loa-station.schema.json (default: the example station's files).
// Run: npm install --prefix /tmp/schemacheck ajv ajv-formats yaml && cd /tmp/schemacheck && node /PATH/TO/loa/docs/check-schema.mjs [FILE.yaml...]
import { createRequire } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// The packages come from the folder this is run in, so that nothing is installed in the repository.
const require = createRequire(join(process.cwd(), "package.json"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;
const YAML = require("yaml");

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const schema = JSON.parse(readFileSync(join(repo, "docs", "loa-station.schema.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const yamlIn = (dir) =>
  readdirSync(dir).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort().map((f) => join(dir, f));
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : [...yamlIn(join(repo, "examples")), ...yamlIn(join(repo, "examples", "programmes"))];

let bad = 0;
for (const file of files) {
  const shown = relative(process.cwd(), file).startsWith("..") ? file : relative(process.cwd(), file);
  const doc = YAML.parseDocument(readFileSync(file, "utf8"), { merge: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) console.log(`${shown}: error: ${e.message}`);
    bad++;
    continue;
  }
  if (validate(doc.toJS() ?? {})) {
    console.log(`${shown}: ok`);
  } else {
    bad++;
    for (const e of validate.errors) {
      console.log(`${shown}: error: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
}
process.exit(bad > 0 ? 1 : 0);
