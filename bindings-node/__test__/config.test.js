'use strict'
// Config loading and posture through the Node binding, driven by the shared
// vectors in tests/vectors/config/.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { Config } = require('..')
const vectors = require('./vectors')

const CASES = vectors.cases('config')
const key = (...parts) => parts.join(' ')

function load(c) {
  return 'text' in c ? Config.fromJson(c.text) : Config.fromJson(JSON.stringify(c.document))
}

test('vectors are present', () => {
  const valid = CASES.filter(([, c]) => c.expect.ok).length
  assert.ok(valid >= 13 && CASES.length - valid >= 15)
})

for (const [id, c] of CASES) {
  test(`config vector ${id}`, () => {
    const expect = c.expect
    if (!expect.ok) {
      let caught
      assert.throws(() => load(c), (err) => ((caught = err), true))
      assert.ok(caught instanceof Error)
      assert.equal(caught.code, expect.error)
      const got = (caught.problems ?? []).map((p) => key(p.path, p.code)).sort()
      const want = expect.problems.map((p) => key(p.path, p.code)).sort()
      assert.deepEqual(got, want, caught.message)
      for (const p of expect.problems.filter((p) => 'hint' in p)) {
        const found = caught.problems.find((q) => q.path === p.path && q.code === p.code)
        assert.equal(found.hint, p.hint)
      }
      return
    }

    const config = load(c)
    let written
    try {
      written = config.toJson()
    } catch (err) {
      assert.equal(err.code, 'config.inline_secret')
    }
    if (written !== undefined) {
      assert.ok(Config.fromJson(written).equals(config))
      const document = JSON.parse(written)
      for (const [p, value] of Object.entries(expect.values ?? {})) {
        assert.deepEqual(vectors.lookup(document, p), value, p)
      }
    }
    if (expect.findings) {
      const got = config.posture().map((f) => key(f.code, f.severity, f.path)).sort()
      const want = expect.findings.map((f) => key(f.code, f.severity, f.path)).sort()
      assert.deepEqual(got, want)
    }
  })
}

test('errors carry a code, every problem and a hint', () => {
  assert.throws(
    () => Config.fromJson('{"security": {"mfa": {"enabeld": true}}}'),
    (err) => {
      assert.equal(err.code, 'config.invalid')
      assert.equal(err.problems.length, 1)
      assert.equal(err.problems[0].path, 'security.mfa.enabeld')
      assert.equal(err.problems[0].hint, 'did you mean `enabled`?')
      assert.match(err.message, /security\.mfa\.enabeld/)
      return true
    },
  )
})

test('fromPath reads a file and names a missing one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halo-core-'))
  const file = path.join(dir, 'halo-core.json')
  fs.writeFileSync(file, '{"security": {"auditing": {"storage": {"retention_days": 30}}}}')
  assert.deepEqual(Config.fromPath(file).posture().map((f) => f.code), ['audit.retention_too_short'])
  assert.throws(() => Config.fromPath(path.join(dir, 'absent.json')), { code: 'config.io' })
  fs.rmSync(dir, { recursive: true })
})

test('default has no findings and round-trips', () => {
  const config = Config.default()
  assert.deepEqual(config.posture(), [])
  assert.ok(Config.fromJson(config.toJson()).equals(config))
  assert.ok(Config.fromJson('{}').equals(config))
})

test('inline secrets are not serialised', () => {
  const doc = { security: { webhooks: { authentication: { signature: { secret: { inline: 's3cret-v4lue' } } } } } }
  const config = Config.fromJson(JSON.stringify(doc))
  assert.throws(() => config.toJson(), { code: 'config.inline_secret' })
  assert.ok(config.posture().every((f) => !f.message.includes('s3cret-v4lue')))
})
