#!/usr/bin/env node
// Parses M (Power Query) expressions with Microsoft's own parser, @microsoft/powerquery-parser, the one Power Query
// tooling uses: an expression it refuses is one Power BI Desktop would refuse when it loads the model.
// Input on stdin: a JSON array of {"where": "file:line", "expression": "let ... in ..."}.
// Output: one line per refused expression, then "m-check: N checked, F failed". Exit 0 when all parse, 1 when one
// does not, 2 on bad input or when the parser is missing (set NODE_PATH to the node_modules that holds it).
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'noop.js'));
let parser;
try {
  parser = require('@microsoft/powerquery-parser');
} catch (e) {
  console.error('m-check: needs @microsoft/powerquery-parser (npm install @microsoft/powerquery-parser, or NODE_PATH)');
  process.exit(2);
}
let input = '';
for await (const chunk of process.stdin) input += chunk;
let expressions;
try {
  expressions = JSON.parse(input);
} catch (e) {
  console.error(`m-check: stdin is not a JSON array: ${e.message}`);
  process.exit(2);
}
if (!Array.isArray(expressions) || expressions.length === 0) {
  console.error('m-check: no expressions given');
  process.exit(2);
}
let failed = 0;
for (const { where, expression } of expressions) {
  const task = await parser.TaskUtils.tryLexParse(parser.DefaultSettings, expression);
  if (!parser.TaskUtils.isParseStageOk(task)) {
    failed++;
    console.log(`REFUSED ${where}: ${task.error ? task.error.message : task.stage + ' stage failed'}`);
  }
}
console.log(`m-check: ${expressions.length} checked, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
