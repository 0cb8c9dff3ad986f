// Validates documents against the model schema with Ajv in its default,
// strict mode, as a user's CI would, declaring the editor keywords the
// schema carries for yaml-language-server. Usage: node ajv_validate.mjs
// SCHEMA < [{"name", "doc"}, ...]; prints [{"name", "valid", "errors"}].
import Ajv from "ajv";
import fs from "fs";

const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv({ allErrors: true });
ajv.addVocabulary(["defaultSnippets", "patternErrorMessage", "markdownDescription"]);
const validate = ajv.compile(schema);
const documents = JSON.parse(fs.readFileSync(0, "utf8"));
const results = documents.map(({ name, doc }) => ({
  name,
  valid: validate(doc),
  errors: (validate.errors || []).map((e) => `${e.instancePath} ${e.message}`),
}));
console.log(JSON.stringify(results));
