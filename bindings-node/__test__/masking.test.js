'use strict'
// Masking through the Node binding, driven by the shared vectors in
// tests/vectors/masking/ and the masking blocks of tests/vectors/config/.

const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { Config, Masker } = require('..')
const vectors = require('./vectors')

const CASES = vectors.cases('masking')
const SHORT_KEY = Buffer.alloc(16, 7)

const areaOf = (id) => path.basename(id.split('#')[0], '.json')
const configOf = (c) => ('config' in c ? Config.fromJson(JSON.stringify(c.config)) : Config.default())

function envOf(c) {
  const env = { MASKING_SHORT_KEY: SHORT_KEY }
  if (c.key_hex) env.MASKING_KEY = Buffer.from(c.key_hex, 'hex')
  return env
}

const maskerOf = (c) => Masker.fromConfig(configOf(c), envOf(c))

function checkText(masker, c) {
  assert.equal(masker.maskText(c.input), c.output)
  assert.equal(masker.maskText(c.output), c.output, 'not idempotent')
  if (c.detectors) {
    const found = masker.find(c.input)
    assert.deepEqual(
      found.map((d) => d.detector),
      c.detectors,
    )
    for (const d of found) assert.ok(c.input.slice(d.start, d.end).length > 0)
  }
}

function checkValue(c) {
  const doc = { security: { data_masking: { rules: { rule: c.rule } } } }
  const masker = Masker.fromConfig(Config.fromJson(JSON.stringify(doc)))
  const output = masker.maskValue('rule', c.input)
  assert.equal(output, c.output)
  assert.equal(masker.maskValue('rule', output), output, 'not idempotent')
}

function checkRecord(masker, c, key) {
  const record = c[key]
  const before = JSON.stringify(record)
  const masked = masker.maskRecord(record)
  assert.deepEqual(masked, c.output)
  assert.equal(JSON.stringify(record), before, 'the input record was changed')
  assert.deepEqual(masker.maskRecord(masked), c.output, 'not idempotent')
  assert.deepEqual(JSON.parse(masker.maskJson(JSON.stringify(record))), c.output)
}

function checkError(c) {
  let caught
  if (c.error.startsWith('config.')) {
    assert.throws(() => Config.fromJson(JSON.stringify(c.config)), (err) => ((caught = err), true))
    assert.equal(caught.code, c.error)
    assert.deepEqual(
      caught.problems.map((p) => [p.path, p.code]),
      c.problems.map((p) => [p.path, p.code]),
    )
    return
  }
  const config = Config.fromJson(JSON.stringify(c.config))
  assert.throws(() => Masker.fromConfig(config, envOf(c)), (err) => ((caught = err), true))
  assert.ok(caught instanceof Error)
  assert.equal(caught.code, c.error)
}

test('vectors are present', () => {
  assert.ok(vectors.files('masking').length >= 11)
  assert.ok(CASES.length >= 140)
})

for (const [id, c] of CASES) {
  test(`masking vector ${id}`, () => {
    const area = areaOf(id)
    if (area === 'values') checkValue(c)
    else if (area === 'records') checkRecord(maskerOf(c), c, 'input')
    else if (area === 'errors') checkError(c)
    else if (area === 'pseudonyms' && c.record) checkRecord(maskerOf(c), c, 'record')
    else if (area === 'pseudonyms') assert.equal(maskerOf(c).maskText(c.text), c.output)
    else checkText(maskerOf(c), c)
  })
}

function configVector(name) {
  const found = vectors.cases('config').filter(([id]) => id.endsWith(`#${name}`))
  assert.equal(found.length, 1)
  return found[0][1]
}

test('the guide masking block builds the default masker', () => {
  const masker = Masker.fromConfig(Config.fromJson(JSON.stringify(configVector('guide-data-masking').document)))
  assert.deepEqual(masker.ruleNames(), ['email', 'phone', 'ssn'])
  const line = 'jane@example.com 415-555-0123 123-45-6789 api_key=abc'
  assert.equal(masker.maskText(line), Masker.default().maskText(line))
  assert.equal(masker.maskText(line), '****@example.com 415-***-**** ***-**-**** api_key=[REDACTED]')
})

test('the masking extensions block needs its key', () => {
  const config = Config.fromJson(JSON.stringify(configVector('masking-extensions').document))
  assert.throws(() => Masker.fromConfig(config, {}), { code: 'masking.pseudonym_key_unavailable' })
  const key = Buffer.from([...Array(32).keys()])
  const masker = Masker.fromConfig(config, { HALO_MASKING_PSEUDONYM_KEY: key })
  assert.deepEqual([...masker.ruleNames()].sort(), ['card', 'email', 'names'])
  const masked = masker.maskRecord({ id: 7, status: 'open', customer_name: 'Jane', note: 'hi' })
  assert.equal(masked.id, 7)
  assert.equal(masked.status, 'open')
  assert.equal(masked.customer_name, '[name]')
  assert.notEqual(masked.note, 'hi')
  const token = masker.maskValue('email', 'jane@example.com')
  assert.match(token, /^tok_/)
  assert.equal(masker.maskValue('email', 'JANE@example.com'), token)
  assert.equal(masker.maskValue('absent', 'x'), null)
})

test('find indexes JavaScript strings', () => {
  const text = 'café 😀 jane@example.com'
  const [found] = Masker.default().find(text)
  assert.equal(found.detector, 'email')
  assert.equal(text.slice(found.start, found.end), 'jane@example.com')
})

test('errors carry a code', () => {
  const doc = { security: { data_masking: { rules: { email: {}, contact: { kind: 'redact', fields: ['Email'] } } } } }
  assert.throws(() => Masker.fromConfig(Config.fromJson(JSON.stringify(doc))), (err) => {
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'masking.invalid_rule')
    return true
  })
  assert.throws(() => Masker.default().maskJson('{not json'))
})

test('env values may be strings', () => {
  const doc = { security: { data_masking: { pseudonym_key: { env: 'K' }, rules: { email: { pseudonymize: true } } } } }
  const masker = Masker.fromConfig(Config.fromJson(JSON.stringify(doc)), { K: 'k'.repeat(32) })
  assert.match(masker.maskText('a@b.io'), /^tok_/)
})
