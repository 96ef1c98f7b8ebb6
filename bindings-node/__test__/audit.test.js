'use strict'
// The audit trail through the Node binding: real files in temporary
// directories, tampered with by hand, and the shared chain vectors.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { AuditLog, Config, readAudit, verifyAudit } = require('..')
const vectors = require('./vectors')

const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
const OTHER_KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY='
const SEGMENT = 'segment-00000001.jsonl'

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'halo-core-audit-'))

/** A log in a new directory holding `count` events. */
function logWith(count, options = {}, timeOf = (n) => `2026-03-01T12:00:0${n}Z`) {
  const dir = tempDir()
  const log = new AuditLog({ dir, chainKey: KEY, ...options })
  for (let n = 1; n <= count; n++) {
    const seq = log.record({
      category: 'data_access',
      action: 'export',
      outcome: 'success',
      actor: `svc-${n}`,
      resource: `opportunity/${n}`,
      sourceIp: '203.0.113.9',
      details: { requested_by: 'jane.doe@example.com', count: n },
      time: timeOf(n),
    })
    assert.equal(seq, n)
  }
  log.flush()
  return { dir, log }
}

const lines = (dir) => fs.readFileSync(path.join(dir, SEGMENT), 'utf8').split('\n')
const writeLines = (dir, all) => fs.writeFileSync(path.join(dir, SEGMENT), all.join('\n'))

test('events are chained, masked on disk, verified and read back', () => {
  const { dir } = logWith(3)
  const text = fs.readFileSync(path.join(dir, SEGMENT), 'utf8')
  assert.ok(!text.includes('jane.doe@example.com'), 'details are masked before writing')
  const report = verifyAudit(dir, KEY)
  assert.equal(report.intact, true)
  assert.equal(report.entries, 3)
  assert.equal(report.lastSeq, 3)
  assert.equal(report.damage, undefined)
  const read = readAudit(dir, KEY)
  assert.deepEqual(read.map((e) => e.seq), [1, 2, 3])
  assert.equal(read[1].event.actor, 'svc-2')
  assert.equal(read[1].event.time, '2026-03-01T12:00:02Z')
  assert.equal(read[1].event.details.count, 2)
})

test('a tampered log is reported with the kind of damage', () => {
  const edited = logWith(3).dir
  const e = lines(edited)
  e[2] = e[2].replace('svc-2', 'svc-9')
  writeLines(edited, e)
  const report = verifyAudit(edited, KEY)
  assert.equal(report.intact, false)
  assert.deepEqual(report.damage, { kind: 'edited', file: SEGMENT, line: 3, seq: 2 })

  const deleted = logWith(3).dir
  const d = lines(deleted)
  d.splice(2, 1)
  writeLines(deleted, d)
  assert.equal(verifyAudit(deleted, KEY).damage.kind, 'deleted')

  const reordered = logWith(3).dir
  const r = lines(reordered)
  ;[r[2], r[3]] = [r[3], r[2]]
  writeLines(reordered, r)
  assert.equal(verifyAudit(reordered, KEY).damage.kind, 'reordered')

  const torn = logWith(3).dir
  const t = fs.readFileSync(path.join(torn, SEGMENT), 'utf8')
  fs.writeFileSync(path.join(torn, SEGMENT), t.slice(0, -10))
  assert.equal(verifyAudit(torn, KEY).damage.kind, 'torn_line')

  const intact = logWith(2).dir
  assert.equal(verifyAudit(intact, OTHER_KEY).intact, false, 'another key does not verify')
})

test('bad keys, actions and missing logs throw with codes', () => {
  assert.throws(() => new AuditLog({ dir: tempDir(), chainKey: 'short' }), (err) => err.code === 'audit.invalid_chain_key')
  assert.throws(() => verifyAudit(tempDir(), KEY), (err) => err.code === 'audit.no_log')
  const { log } = logWith(0)
  assert.throws(() => log.record({ category: 'data_access', action: 'Not Valid!' }), (err) => err.code === 'invalid_argument')
  assert.throws(() => log.record({ category: 'nope', action: 'read' }), (err) => err.code === 'invalid_argument')
  assert.throws(
    () => new AuditLog({ dir: tempDir(), chainKey: KEY, fsync: 'sometimes' }),
    (err) => err.code === 'invalid_argument',
  )
})

test('fsync every n entries still writes everything after flush', () => {
  const { dir } = logWith(5, { fsync: 2 })
  assert.equal(verifyAudit(dir, KEY).entries, 5)
  const never = logWith(2, { fsync: 'never' })
  assert.equal(verifyAudit(never.dir, KEY).entries, 2)
})

test('prune removes closed segments past the retention and records itself', () => {
  // A segment is closed at each new UTC day: one event a day, six segments.
  const { dir, log } = logWith(6, { retention: '30_days' }, (n) => `2026-03-0${n}T12:00:00Z`)
  const before = verifyAudit(dir, KEY)
  assert.ok(before.segments > 2, `${before.segments} segments`)
  const pruned = log.prune('2027-01-01T00:00:00Z')
  assert.ok(pruned.segments >= 1)
  const after = verifyAudit(dir, KEY)
  assert.equal(after.intact, true)
  assert.equal(after.firstSeq, pruned.throughSeq + 1)
  const events = readAudit(dir, KEY)
  const last = events[events.length - 1].event
  assert.equal(last.action, 'prune')
  assert.equal(last.details.segments, pruned.segments)
})

test('the log of a configuration takes its chain key from the secrets given', () => {
  const config = Config.fromJson(
    JSON.stringify({ security: { auditing: { storage: { encryption: false, chain_key: { env: 'AUDIT_KEY' } } } } }),
  )
  const dir = tempDir()
  const log = AuditLog.fromConfig(config, dir, { AUDIT_KEY: KEY })
  assert.equal(log.record({ category: 'security', action: 'config_update' }), 1)
  log.flush()
  assert.equal(verifyAudit(dir, KEY).intact, true)
})

for (const [id, c] of vectors.cases('audit')) {
  test(`audit vector ${id}`, () => {
    const dir = tempDir()
    for (const [file, text] of Object.entries(c.files)) fs.writeFileSync(path.join(dir, file), text)
    const report = verifyAudit(dir, c.chain_key)
    assert.equal(report.intact, c.expect.intact)
    if (c.expect.damage) {
      const want = c.expect.damage
      assert.deepEqual(report.damage, { kind: want.kind, file: want.file, line: want.line, seq: want.seq ?? undefined })
      return
    }
    assert.equal(report.entries, c.expect.entries)
    assert.equal(report.lastSeq, c.expect.last_seq)
    const read = readAudit(dir, c.chain_key)
    assert.deepEqual(read.map((e) => e.seq), c.events.map((e) => e.seq))
    read.forEach((entry, i) => assert.deepEqual(entry.event, c.events[i].event))
  })
}

test('with encryption keys the details are sealed and a configuration filters events', () => {
  const dir = tempDir()
  const config = Config.fromJson(JSON.stringify({ security: { auditing: { events: { data_access: { read_operations: false } } } } }))
  const log = new AuditLog({ dir, chainKey: KEY, encryptionKeys: { a1: OTHER_KEY } }, config)
  assert.equal(log.record({ category: 'data_access', action: 'read', details: { note: 'skipped' } }), null)
  assert.equal(log.record({ category: 'security', action: 'config_update', details: { changed: 'mfa-policy-7' } }), 1)
  log.flush()
  const text = fs.readFileSync(path.join(dir, SEGMENT), 'utf8')
  assert.ok(!text.includes('mfa-policy-7') && !text.includes('skipped'))
  assert.equal(verifyAudit(dir, KEY).entries, 1)
  const [entry] = readAudit(dir, KEY)
  assert.equal(entry.event.action, 'config_update')
  assert.equal(entry.event.details, undefined, 'sealed details are not read back in clear')
})
