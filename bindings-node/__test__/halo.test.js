'use strict'
// The HaloPSA client through the Node binding, against the sandbox over
// real loopback HTTP.

const test = require('node:test')
const assert = require('node:assert/strict')

const { HaloClient, Sandbox } = require('..')

const QUICK = { retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 } }

/** Asserts that `promise` rejects with an `Error` carrying `code`. */
async function rejectsWith(promise, code) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, 'an Error')
    assert.equal(err.code, code, err.message)
    return true
  })
}

async function withSandbox(options, body) {
  const sandbox = await Sandbox.start(options)
  try {
    await body(sandbox)
  } finally {
    await sandbox.stop()
  }
}

test('the sandbox serves on loopback and the client creates, reads, updates, deletes', async () => {
  await withSandbox(undefined, async (sandbox) => {
    assert.match(sandbox.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
    const halo = HaloClient.forSandbox(sandbox, QUICK)
    const created = await halo.clients.upsert([{ name: 'Acme Ltd', website: 'acme.example' }, { name: 'Globex' }])
    assert.equal(created.length, 2)
    const stored = sandbox.records('Client')
    assert.deepEqual(stored.map((c) => c.name).sort(), ['Acme Ltd', 'Globex'])
    const acmeId = stored.find((c) => c.name === 'Acme Ltd').id

    const acme = await halo.clients.get(acmeId)
    assert.equal(acme.name, 'Acme Ltd')
    assert.equal(acme.website, 'acme.example')

    await halo.clients.upsert([{ id: acmeId, name: 'Acme Limited', custom_field: 7 }])
    const after = sandbox.records('client').find((c) => c.id === acmeId)
    assert.equal(after.name, 'Acme Limited')
    assert.equal(after.custom_field, 7, 'fields the model does not name are kept')

    await halo.clients.delete(acmeId)
    assert.deepEqual(sandbox.records('Client').map((c) => c.name), ['Globex'])
    await rejectsWith(halo.clients.get(acmeId), 'halo.not_found')
  })
})

test('listAll pages through every row and applies typed filters', async () => {
  await withSandbox(undefined, async (sandbox) => {
    const halo = HaloClient.forSandbox(sandbox, QUICK)
    const rows = []
    for (let n = 0; n < 250; n++) {
      rows.push({ summary: `Lead ${n}`, oppemailaddress: `lead${n}@example.com`, oppcompanyname: n % 2 ? 'Odd Co' : 'Even Co' })
    }
    for (let i = 0; i < rows.length; i += 100) await halo.opportunities.upsert(rows.slice(i, i + 100))
    assert.equal(sandbox.records('Opportunities').length, 250)

    const before = sandbox.requestCount('GET', '/api/Opportunities')
    const all = await halo.opportunities.listAll()
    assert.equal(all.length, 250)
    assert.equal(new Set(all.map((o) => o.id)).size, 250)
    assert.equal(sandbox.requestCount('GET', '/api/Opportunities') - before, 3, 'three pages of at most 100')

    const one = await halo.opportunities.listAll({ searchOppemailaddress: 'lead42@example.com' })
    assert.deepEqual(one.map((o) => o.oppemailaddress), ['lead42@example.com'])
    const odd = await halo.opportunities.listAll({ searchOppcompanyname: 'Odd Co' })
    assert.equal(odd.length, 125)
    const capped = await halo.opportunities.listAll({ maxRows: 30, pageSize: 20 })
    assert.equal(capped.length, 30)
  })
})

test('users: create under a client and list by client id', async () => {
  await withSandbox(undefined, async (sandbox) => {
    const halo = HaloClient.forSandbox(sandbox, QUICK)
    await halo.clients.upsert([{ name: 'Initech' }])
    const clientId = sandbox.records('Client')[0].id
    await halo.users.upsert([
      { name: 'Ada Lovelace', emailaddress: 'ada@initech.example', client_id: clientId },
      { name: 'Bob', emailaddress: 'bob@elsewhere.example', client_id: clientId + 100 },
    ])
    const users = await halo.users.listAll({ clientId })
    assert.deepEqual(users.map((u) => u.emailaddress), ['ada@initech.example'])
    assert.equal(users[0].client_id, clientId)
  })
})

test('5xx replies to reads are retried and counted', async () => {
  await withSandbox(undefined, async (sandbox) => {
    const halo = HaloClient.forSandbox(sandbox, QUICK)
    await halo.clients.upsert([{ name: 'Acme' }])
    const id = sandbox.records('Client')[0].id
    const before = halo.stats()
    sandbox.inject({ kind: 'status', status: 503 }, 2)
    assert.equal((await halo.clients.get(id)).name, 'Acme')
    const stats = halo.stats()
    assert.equal(stats.requests - before.requests, 3)
    assert.equal(stats.retries - before.retries, 2)
  })
})

test('errors carry the core codes', async () => {
  await withSandbox(undefined, async (sandbox) => {
    const once = HaloClient.forSandbox(sandbox, { retry: { maxAttempts: 1 } })
    sandbox.inject({ kind: 'status', status: 429, body: '{"message": "slow down"}' }, 1)
    await rejectsWith(once.clients.listAll(), 'halo.rate_limited')
    sandbox.inject({ kind: 'status', status: 403, body: '{}' }, 1)
    await rejectsWith(once.clients.listAll(), 'halo.forbidden')
    sandbox.inject({ kind: 'status', status: 200, body: '{"errorMessage": "bad field"}' }, 1)
    await rejectsWith(once.clients.listAll(), 'halo.api')
    sandbox.inject({ kind: 'commit_then_lose' }, 1)
    await rejectsWith(once.clients.upsert([{ name: 'Maybe' }]), 'halo.outcome_unknown')
    assert.deepEqual(sandbox.records('Client').map((c) => c.name), ['Maybe'], 'applied, though unknown to the client')
    await rejectsWith(once.clients.upsert(['not a record']), 'invalid_argument')

    const wrong = new HaloClient({ baseUrl: sandbox.baseUrl, clientId: 'sandbox-client', clientSecret: 'wrong' })
    await rejectsWith(wrong.clients.listAll(), 'halo.auth_failed')
  })
})

test('an expired token is renewed once and the call goes through', async () => {
  await withSandbox(undefined, async (sandbox) => {
    const halo = HaloClient.forSandbox(sandbox, QUICK)
    await halo.clients.listAll()
    assert.equal(sandbox.tokensIssued(), 1)
    sandbox.expireTokens()
    await halo.clients.listAll()
    assert.equal(sandbox.tokensIssued(), 2)
  })
})

test('fault plans are validated and replay faults', async () => {
  await withSandbox(undefined, async (sandbox) => {
    assert.throws(() => sandbox.setFaultPlan({ seed: 1 }), (err) => err.code === 'invalid_argument')
    assert.throws(() => sandbox.inject({ kind: 'meteor' }), (err) => err.code === 'invalid_argument')
    sandbox.setFaultPlan({ seed: 3, chance: 1, faults: [{ fault: { kind: 'status', status: 500 } }] })
    const once = HaloClient.forSandbox(sandbox, { retry: { maxAttempts: 1 } })
    await rejectsWith(once.clients.listAll(), 'halo.api')
    sandbox.setFaultPlan(null)
    assert.deepEqual(await once.clients.listAll(), [])
    const statuses = sandbox.requests().filter((r) => r.route === '/api/Client').map((r) => r.status).sort()
    assert.deepEqual(statuses, [200, 500])
  })
})

test('client settings are checked when built', () => {
  const base = { clientId: 'id', clientSecret: 'secret' }
  for (const baseUrl of ['http://halo.example.com', 'not a url', 'https://user:pw@halo.example.com']) {
    assert.throws(() => new HaloClient({ ...base, baseUrl }), (err) => err.code === 'halo.config')
  }
  assert.throws(
    () => new HaloClient({ ...base, baseUrl: 'https://halo.example.com', minTlsVersion: '1.1' }),
    (err) => err.code === 'halo.config',
  )
  assert.throws(
    () => new HaloClient({ ...base, baseUrl: 'https://halo.example.com', retry: { maxAttempts: 0 } }),
    (err) => err.code === 'halo.config',
  )
  assert.ok(new HaloClient({ ...base, baseUrl: 'https://halo.example.com' }))
})

test('a stopped sandbox refuses connections and calls', async () => {
  const sandbox = await Sandbox.start({ clientId: 'me', clientSecret: 'my-secret' })
  const halo = HaloClient.forSandbox(sandbox, { retry: { maxAttempts: 1 } })
  await halo.clients.listAll()
  await sandbox.stop()
  await sandbox.stop()
  assert.throws(() => sandbox.records('Client'), (err) => err.code === 'invalid_argument')
  await rejectsWith(halo.clients.listAll(), 'halo.transport')
})
