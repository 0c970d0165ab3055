#!/usr/bin/env node
// mandatory.mjs - run the CSAF 2.0 strict schema test and every mandatory test (6.1.x) of
// @secvisogram/csaf-validator-lib on CSAF documents; prints TAP, exits 1 on any error.
//
// Usage: node tests/csaf/mandatory.mjs [--expect-invalid] PATH...
//   PATH is a CSAF .json file or a directory searched recursively for *.json; OSV
//   exports (*.osv.json), provider-metadata.json and ROLIE feeds (*.rolie.json,
//   csaf-feed-tlp-*.json) are skipped.  --expect-invalid inverts the verdict (for the
//   OASIS "invalid" test cases: each must fail at least one test).
// Install first: (cd tests/csaf && npm ci).
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'

import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'
import validate from '@secvisogram/csaf-validator-lib/validate.js'

const skip = (name) =>
  name.endsWith('.osv.json') ||
  name === 'provider-metadata.json' ||
  name.endsWith('.rolie.json') ||
  name.startsWith('csaf-feed-tlp-')

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const n of readdirSync(path).sort()) collect(join(path, n), out)
  } else if (path.endsWith('.json') && !skip(basename(path))) {
    out.push(path)
  }
  return out
}

const args = process.argv.slice(2)
if (args.length === 0 || args.includes('-h') || args.includes('--help')) {
  console.log('usage: node tests/csaf/mandatory.mjs [--expect-invalid] PATH...')
  process.exit(args.length === 0 ? 2 : 0)
}
const expectInvalid = args[0] === '--expect-invalid'
const files = (expectInvalid ? args.slice(1) : args).flatMap((p) => collect(p, []))
const tests = [csaf_2_0_strict, ...Object.values(mandatory)]

console.log(`1..${files.length || 1}`)
if (files.length === 0) {
  console.log('not ok 1 - no CSAF documents found')
  process.exit(1)
}
console.log(`# ${tests.length} tests: ${tests.map((t) => t.name).join(' ')}`)
let failed = 0
for (const [i, file] of files.entries()) {
  let problems
  try {
    const result = await validate(tests, JSON.parse(readFileSync(file, 'utf8')))
    problems = result.tests
      .filter((t) => !t.isValid || t.errors.length > 0)
      .map((t) => `${t.name}: ${t.errors.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`)
  } catch (err) {
    problems = [`cannot check: ${err.message}`]
  }
  const ok = expectInvalid ? problems.length > 0 : problems.length === 0
  if (ok) {
    console.log(`ok ${i + 1} - ${file}`)
  } else {
    failed++
    const why = expectInvalid ? 'passed every test' : problems.join(' | ').slice(0, 600)
    console.log(`not ok ${i + 1} - ${file}: ${why}`)
  }
}
console.log(`# ${files.length - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
