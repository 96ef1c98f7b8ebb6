'use strict'
// Reading the language-neutral vector files under tests/vectors/.

const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.resolve(__dirname, '..', '..', 'tests', 'vectors')

/** Every `*.json` file under tests/vectors/<area>, sorted. */
function files(area) {
  const out = []
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith('.json')) out.push(full)
    }
  }
  walk(path.join(ROOT, area))
  return out.sort()
}

/** `[id, case]` for every case of every file of `area`. */
function cases(area) {
  const out = []
  for (const file of files(area)) {
    const data = JSON.parse(fs.readFileSync(file, 'utf8'))
    if (!data.about) throw new Error(`${file}: missing about`)
    for (const c of data.cases) out.push([`${path.relative(ROOT, file)}#${c.name}`, c])
  }
  return out
}

/** The value at a vector path such as `a.b[0].c`, or undefined. */
function lookup(value, vectorPath) {
  for (const segment of vectorPath.split('.')) {
    const [key, ...indexes] = segment.split('[')
    if (key) value = value?.[key]
    for (const index of indexes) value = value?.[Number(index.replace(']', ''))]
  }
  return value
}

module.exports = { cases, files, lookup }
