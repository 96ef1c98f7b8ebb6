'use strict'
// Compliance helpers through the Node binding, with the shared vectors of
// tests/vectors/compliance/.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const {
  AuditLog,
  Config,
  ConsentLedger,
  Exporter,
  RetentionPolicy,
  SubjectKeys,
  eraseSubject,
  neutraliseCell,
  readAudit,
} = require('..')
const vectors = require('./vectors')

const CASES = vectors.cases('compliance')
const RETENTION = CASES.filter(([id]) => id.includes('retention.json'))
const CSV_CELLS = CASES.filter(([id]) => id.includes('csv_injection.json'))
const CHAIN_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
const DATA_KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY='

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'halo-core-compliance-'))

test('vectors are present', () => {
  assert.ok(RETENTION.length >= 25 && CSV_CELLS.length >= 20)
  assert.equal(RETENTION.length + CSV_CELLS.length, CASES.length, 'every compliance file is run')
})

for (const [id, c] of RETENTION) {
  test(`retention vector ${id}`, () => {
    const policy = RetentionPolicy.fromConfig(Config.fromJson(JSON.stringify(c.config)))
    if (c.error) {
      assert.throws(() => policy.expiresAt(c.entity, c.created_at), (err) => err.code === c.error)
      return
    }
    assert.equal(Date.parse(policy.expiresAt(c.entity, c.created_at)), Date.parse(c.expires_at))
    if (c.now) {
      const expiry = policy.isExpired(c.entity, 'record-1', c.created_at, c.now)
      assert.equal(expiry.status === 'expired', c.expired)
    }
  })
}

/** Parses RFC 4180 CSV as written by the exporter (quoted cells, CRLF or LF). */
function parseCsv(text) {
  const rows = [[]]
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++
      else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') rows[rows.length - 1].push(cell), (cell = '')
    else if (ch === '\n') rows[rows.length - 1].push(cell), (cell = ''), rows.push([])
    else if (ch !== '\r' || text[i + 1] !== '\n') cell += ch
  }
  if (cell || rows[rows.length - 1].length) rows[rows.length - 1].push(cell)
  else rows.pop()
  return rows
}

for (const [id, c] of CSV_CELLS) {
  test(`csv injection vector ${id}`, () => {
    assert.equal(neutraliseCell(c.cell), c.expect)
    const csv = new Exporter(['csv']).export('s-1', [{ v: c.cell }], 'csv')
    const [header, row] = parseCsv(csv)
    assert.equal(row[header.indexOf('record.v')], c.expect, 'through the export')
  })
}

test('legal holds keep a record whatever its age', () => {
  const policy = RetentionPolicy.fromConfig()
  assert.deepEqual(policy.entities, ['leads', 'opportunities', 'prospects'])
  const created = '2010-01-01T00:00:00Z'
  assert.equal(policy.isExpired('leads', 'lead-7', created).status, 'expired')
  assert.equal(policy.placeHold('lead-7', 'litigation 2026-17'), false)
  const held = policy.isExpired('leads', 'lead-7', created)
  assert.deepEqual(held, { status: 'held', expiresAt: '2017-01-01T00:00:00Z', reason: 'litigation 2026-17' })
  assert.equal(policy.releaseHold('lead-7'), true)
  assert.equal(policy.isExpired('leads', 'lead-7', created).status, 'expired')
  assert.throws(() => policy.expiresAt('tickets', created), (err) => err.code === 'compliance.unknown_entity')
  assert.throws(() => policy.expiresAt('leads', 'yesterday'), (err) => err.code === 'invalid_argument')
})

test('the consent ledger answers at a time and survives reopening its file', () => {
  const file = path.join(tempDir(), 'consent.jsonl')
  const ledger = ConsentLedger.fromConfig(undefined, file)
  ledger.grant('bi:3kTx0q', 'marketing', '2026-03-01T09:00:00Z', 'web_form')
  ledger.withdraw('bi:3kTx0q', 'marketing', '2026-04-01T09:00:00Z', 'email_link')
  assert.equal(ledger.hasConsent('bi:3kTx0q', 'marketing', '2026-03-15T00:00:00Z'), true)
  assert.equal(ledger.hasConsent('bi:3kTx0q', 'marketing', '2026-04-15T00:00:00Z'), false)
  assert.deepEqual(ledger.missingRequired('bi:3kTx0q', '2026-03-15T00:00:00Z'), ['data_sharing', 'profiling'])
  assert.throws(
    () => ledger.grant('bi:3kTx0q', 'astrology', '2026-05-01T00:00:00Z', 'web_form'),
    (err) => err.code.startsWith('compliance.'),
  )
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  assert.deepEqual(lines.map((l) => l.action), ['grant', 'withdraw'])

  const reopened = ConsentLedger.fromConfig(undefined, file)
  assert.deepEqual(reopened.history('bi:3kTx0q'), ledger.history('bi:3kTx0q'))
  assert.equal(reopened.history('bi:3kTx0q')[1].source, 'email_link')
  fs.appendFileSync(file, '{"subject": "x"')
  assert.throws(() => ConsentLedger.fromConfig(undefined, file), (err) => err.code === 'compliance.ledger_corrupt')
})

test('exports in JSON and CSV carry the records and the consent history', () => {
  const ledger = ConsentLedger.fromConfig()
  ledger.grant('s-1', 'marketing', '2026-03-01T09:00:00Z', 'web_form')
  const records = [{ email: 'ada@example.com', address: { city: 'London' }, score: -5 }]
  const exporter = Exporter.fromConfig()
  const json = JSON.parse(exporter.export('s-1', records, 'json', ledger))
  assert.deepEqual(json.records, records)
  assert.equal(json.subject, 's-1')
  assert.deepEqual(json.consent.map((c) => c.purpose), ['marketing'])
  const [header, row, consent] = parseCsv(exporter.export('s-1', records, 'csv', ledger))
  assert.equal(row[header.indexOf('record.address.city')], 'London')
  assert.equal(row[header.indexOf('record.score')], "'-5")
  assert.equal(consent[header.indexOf('consent.purpose')], 'marketing')

  const jsonOnly = Exporter.fromConfig(
    Config.fromJson(JSON.stringify({ compliance: { gdpr: { data_portability: { formats: ['json'] } } } })),
  )
  assert.throws(() => jsonOnly.export('s-1', records, 'csv'), (err) => err.code === 'compliance.format_disabled')
  assert.throws(() => new Exporter(['xml']), (err) => err.code === 'invalid_argument')
})

test('erasure destroys the subject key and is audited', () => {
  const keys = SubjectKeys.create({ k1: DATA_KEY })
  const envelope = keys.encryptField('s-1', 'email', Buffer.from('ada@example.com'))
  const auditDir = tempDir()
  const audit = new AuditLog({ dir: auditDir, chainKey: CHAIN_KEY })

  const erased = eraseSubject(keys, 's-1', 'dpo-1', '2026-03-01T10:00:00Z', audit)
  assert.deepEqual(erased, { subject: 's-1', actor: 'dpo-1', keyDestroyed: true, erasedAt: '2026-03-01T10:00:00Z' })
  assert.throws(() => keys.decryptField('s-1', 'email', envelope), (err) => err.code === 'crypto.subject_forgotten')
  assert.equal(eraseSubject(keys, 's-1', 'dpo-1', undefined, audit).keyDestroyed, false, 'a repeated request is harmless')

  audit.flush()
  const events = readAudit(auditDir, CHAIN_KEY).map((e) => e.event)
  assert.deepEqual(events.map((e) => [e.action, e.actor, e.outcome]), [
    ['erase', 'dpo-1', 'success'],
    ['erase', 'dpo-1', 'success'],
  ])
  assert.ok(!JSON.stringify(events).includes('ada@example.com'))
})
