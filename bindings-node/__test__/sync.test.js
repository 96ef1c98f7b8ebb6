'use strict'
// LeadSync through the Node binding, against the sandbox with faults.

const test = require('node:test')
const assert = require('node:assert/strict')

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { AuditLog, HaloClient, LeadSchema, LeadSync, Sandbox, readAudit, verifyAudit } = require('..')

const RETRY = { retry: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 } }

function lead(n) {
  return {
    first_name: 'Ada',
    last_name: `Number${n}`,
    email: `ada.${n}@example.com`,
    company: `Company ${n % 37}`,
    phone: '+44 20 7946 0000',
  }
}

/** Opportunities in the sandbox by lower-cased email. */
function byEmail(sandbox) {
  const out = new Map()
  for (const opp of sandbox.records('Opportunities')) {
    const key = opp.oppemailaddress.toLowerCase()
    out.set(key, (out.get(key) ?? 0) + 1)
  }
  return out
}

test('1 000 leads under faults: one opportunity per email, and a second run creates nothing', async () => {
  const sandbox = await Sandbox.start()
  try {
    const leads = []
    for (let n = 0; n < 1000; n++) {
      // One in twenty repeats an earlier lead's email in another case.
      leads.push(n % 20 === 2 ? { ...lead(n), email: `ADA.${n - 2}@EXAMPLE.com` } : lead(n))
    }
    sandbox.setFaultPlan({ mixedEvery: 10, seed: 7 })
    const sync = new LeadSync(HaloClient.forSandbox(sandbox, RETRY), { clients: true })

    const first = await sync.sync(leads)
    const second = await sync.sync(leads)

    assert.deepEqual(first.failed, [])
    assert.equal(first.received, 1000)
    assert.deepEqual(first.duplicates, leads.map((_, i) => i).filter((i) => i % 20 === 2))
    assert.equal(first.created, 950)
    assert.ok(first.retries > 0, 'the faults were met')
    const stored = byEmail(sandbox)
    assert.equal(stored.size, 950)
    assert.ok([...stored.values()].every((count) => count === 1))
    assert.equal(sandbox.records('Client').length, 37)
    assert.deepEqual(second.failed, [])
    assert.equal(second.created, 0)
    assert.equal(second.clientsCreated, 0)
    assert.equal(second.unchanged, 950)
    assert.equal(sandbox.records('Opportunities').length, 950)
  } finally {
    await sandbox.stop()
  }
})

test('a lead that fails is listed by index and code, never by its data', async () => {
  const sandbox = await Sandbox.start()
  try {
    const sync = new LeadSync(HaloClient.forSandbox(sandbox, { retry: { maxAttempts: 1 } }), {
      batchSize: 2,
      concurrency: 1,
      lookup: 'per_lead',
    })
    const leads = [lead(0), lead(1), lead(2), lead(3)]
    // The first lookup is refused; which lead's it is depends on timing.
    sandbox.inject({ kind: 'status', status: 403, body: '{}' }, 1)
    const report = await sync.sync(leads)
    assert.equal(report.failed.length, 1)
    const [{ index, code }] = report.failed
    assert.equal(code, 'halo.forbidden')
    assert.equal(report.created, 3)
    assert.equal(report.synced, 3)
    const others = leads.filter((_, i) => i !== index).map((l) => l.email)
    assert.deepEqual([...byEmail(sandbox).keys()].sort(), others.sort())
    assert.ok(!JSON.stringify(report).includes('example.com'))
  } finally {
    await sandbox.stop()
  }
})

test('invalid leads and options are refused before anything is sent', async () => {
  const sandbox = await Sandbox.start()
  try {
    const halo = HaloClient.forSandbox(sandbox)
    assert.throws(() => new LeadSync(halo, { batchSize: 0 }), (err) => err.code === 'sync.invalid_option')
    assert.throws(() => new LeadSync(halo, { lookup: 'guess' }), (err) => err.code === 'invalid_argument')
    const sync = new LeadSync(halo, {}, new LeadSchema({ unknownFields: 'strip' }))
    await assert.rejects(sync.sync([lead(0), { ...lead(1), email: 'nope' }]), (err) => {
      assert.equal(err.code, 'lead.invalid')
      assert.equal(err.index, 1)
      assert.ok(!err.message.includes('nope'))
      return true
    })
    assert.equal(sandbox.requests().length, 0)
    const report = await sync.sync([{ ...lead(5), utm_source: 'ad' }])
    assert.equal(report.created, 1)
  } finally {
    await sandbox.stop()
  }
})

test('with an audit log, one event per distinct lead names index, result and id only', async () => {
  const sandbox = await Sandbox.start()
  try {
    const key = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halo-core-sync-audit-'))
    const audit = new AuditLog({ dir, chainKey: key })
    const sync = new LeadSync(HaloClient.forSandbox(sandbox), {}, undefined, audit)
    const report = await sync.sync([lead(0), lead(1), lead(0)])
    assert.deepEqual(report.duplicates, [2])
    audit.flush()
    assert.equal(verifyAudit(dir, key).intact, true)
    const events = readAudit(dir, key).map((e) => e.event)
    assert.equal(events.length, 2)
    const ids = sandbox.records('Opportunities').map((o) => `opportunity/${o.id}`)
    for (const event of events) {
      assert.equal(event.action, 'write')
      assert.equal(event.details.result, 'created')
      assert.ok(ids.includes(event.resource))
    }
    assert.ok(!JSON.stringify(events).includes('example.com'))
  } finally {
    await sandbox.stop()
  }
})
