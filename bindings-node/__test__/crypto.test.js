'use strict'
// Field encryption through the Node binding, driven by the shared vectors in
// tests/vectors/crypto/. The Wycheproof AES-GCM file tests the raw AEAD,
// which is not exposed; it runs in the Rust unit tests.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { BlindIndex, Config, FieldCipher, SubjectKeys } = require('..')
const vectors = require('./vectors')

const KEY_A = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
const KEY_B = 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8='

const ALL = vectors.cases('crypto')
const of = (file) => ALL.filter(([id]) => id.split('#')[0].endsWith(file))

test('vectors are present', () => {
  assert.ok(vectors.files('crypto').length >= 4)
  assert.ok(of('envelope.json').length >= 4 && of('tamper.json').length >= 10)
  assert.ok(of('blind-index.json').length >= 8)
})

for (const [id, c] of of('envelope.json')) {
  test(`crypto vector ${id}`, () => {
    const cipher = FieldCipher.fromKeys({ [c.key_id]: c.key })
    const plaintext = cipher.decryptField(c.field, c.context, c.envelope)
    assert.equal(plaintext.toString('hex'), c.plaintext_hex)
  })
}

for (const [id, c] of of('tamper.json')) {
  test(`crypto vector ${id}`, () => {
    const cipher = FieldCipher.fromKeys({ [c.key_id]: c.key })
    assert.throws(() => cipher.decryptField(c.field, c.context, c.envelope), { code: c.error })
  })
}

for (const [id, c] of of('blind-index.json')) {
  test(`crypto vector ${id}`, () => {
    assert.equal(BlindIndex.fromKey(c.key, c.bytes).index(c.field, c.value), c.index)
  })
}

test('records round-trip and rotate', () => {
  const cipher = FieldCipher.fromKeys({ a: KEY_A })
  const record = { name: 'Ada', email: 'ada@example.com', phone: null, bank_account_details: { iban: 'GB33' } }
  const sealed = cipher.encryptRecord('lead-1', record)
  assert.ok(sealed.email.startsWith('hc1.a.'))
  assert.ok(!JSON.stringify(sealed).includes('ada@'))
  assert.deepEqual(cipher.decryptRecord('lead-1', sealed), record)

  cipher.addKey('b', KEY_B)
  cipher.setPrimary('b')
  assert.equal(cipher.needsReencrypt(sealed.email), true)
  const rotated = cipher.reencryptRecord('lead-1', sealed)
  cipher.removeKey('a')
  assert.deepEqual(cipher.keyIds, ['b'])
  assert.equal(cipher.primaryKeyId, 'b')
  assert.deepEqual(cipher.decryptRecord('lead-1', rotated), record)
  assert.throws(() => cipher.decryptRecord('lead-1', sealed), { code: 'crypto.unknown_key_id' })
})

test('errors carry codes', () => {
  const cipher = FieldCipher.fromKeys({ a: KEY_A })
  const envelope = cipher.encryptField('email', 'lead-1', Buffer.from('x'))
  assert.throws(() => cipher.decryptField('email', 'lead-2', envelope), (err) => {
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'crypto.decrypt_failed')
    return true
  })
  assert.throws(() => cipher.decryptField('email', 'lead-1', 'nope'), { code: 'crypto.malformed_envelope' })
  assert.throws(() => FieldCipher.fromKeys({ a: 'AAEC' }), { code: 'crypto.invalid_key' })
  assert.throws(() => FieldCipher.fromKeys({ a: KEY_A, b: KEY_B }), { code: 'crypto.no_key' })
})

test('fromConfig reads keys from the environment', () => {
  process.env.HALO_TEST_KEY_A = KEY_A
  process.env.HALO_TEST_INDEX_KEY = KEY_B
  const config = Config.fromJson(JSON.stringify({ security: { encryption: { at_rest: {
    keys: { a: { env: 'HALO_TEST_KEY_A' } },
    blind_index_key: { env: 'HALO_TEST_INDEX_KEY' }, blind_index_bytes: 8 } } } }))
  assert.equal(FieldCipher.fromConfig(config).primaryKeyId, 'a')
  assert.equal(BlindIndex.fromConfig(config).index('email', 'a@b.example').length, 11)
  const kms = Config.fromJson('{"security": {"encryption": {"at_rest": {"key_management": "aws-kms"}}}}')
  assert.throws(() => FieldCipher.fromConfig(kms), { code: 'crypto.provider_required' })
})

test('forget makes a subject unreadable', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halo-core-'))
  const subjects = SubjectKeys.create({ a: KEY_A }, undefined, dir)
  const record = { email: 'ada@example.com', phone: '+44 20 7946 0000' }
  const ada = subjects.encryptRecord('lead-ada', record)
  const bob = subjects.encryptRecord('lead-bob', record)
  assert.deepEqual(subjects.decryptRecord('lead-ada', ada), record)

  assert.equal(subjects.forget('lead-ada'), true)
  for (const field of ['email', 'phone']) {
    assert.throws(() => subjects.decryptField('lead-ada', field, ada[field]), { code: 'crypto.subject_forgotten' })
  }
  assert.deepEqual(subjects.decryptRecord('lead-bob', bob), record)
  fs.rmSync(dir, { recursive: true })
})
