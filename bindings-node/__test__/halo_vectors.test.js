'use strict'
// The HaloPSA reply vectors of tests/vectors/halo/, served by the sandbox
// (a status fault with the vector's body) over loopback and decoded by the
// client through the Node binding. A list vector runs through every handler
// whose list keys match its own.

const test = require('node:test')
const assert = require('node:assert/strict')

const { HaloClient, Sandbox } = require('..')
const vectors = require('./vectors')

const CASES = vectors.cases('halo')
const BY_KEYS = {
  clients: ['clients'],
  sites: ['sites'],
  users: ['users'],
  'tickets,opportunities': ['opportunities'],
  tickets: ['tickets'],
  actions: ['actions'],
  agents: ['agents'],
}

let sandbox
let halo
test.before(async () => {
  sandbox = await Sandbox.start()
  halo = HaloClient.forSandbox(sandbox, { retry: { maxAttempts: 1 } })
})
test.after(() => sandbox.stop())

test('vectors are present', () => assert.ok(CASES.length >= 20))

test('every list vector has a handler', () => {
  const unbound = CASES.filter(([, c]) => c.kind === 'list' && !BY_KEYS[c.keys.join(',')])
  assert.deepEqual(unbound.map(([id]) => id), [])
})

/** Whether `promise` settles as `expect` says: ids, or an error code and message. */
async function check(promise, expect, ids) {
  if (expect.code) {
    await assert.rejects(promise, (err) => {
      assert.equal(err.code, expect.code, err.message)
      if (expect.message) assert.ok(err.message.includes(expect.message), err.message)
      return true
    })
    return
  }
  assert.deepEqual(ids(await promise), expect.ids)
}

for (const [id, c] of CASES) {
  const reply = (status) => sandbox.inject({ kind: 'status', status, body: c.body })
  if (c.kind === 'list') {
    for (const resource of BY_KEYS[c.keys.join(',')] ?? []) {
      test(`halo vector ${id} (${resource})`, async () => {
        reply(200)
        await check(halo[resource].listAll(), c.expect, (rows) => rows.map((r) => r.id))
        if (!('record_count' in c.expect)) return
        reply(200)
        assert.equal(await halo[resource].count(), c.expect.record_count)
      })
    }
  } else if (c.kind === 'object') {
    test(`halo vector ${id}`, async () => {
      reply(200)
      await check(halo.clients.get(12), c.expect, (row) => [row.id])
    })
  } else if (c.kind === 'upsert') {
    test(`halo vector ${id}`, async () => {
      reply(200)
      await check(halo.clients.upsert([{ id: 31, name: 'New' }]), c.expect, (rows) => rows.map((r) => r.id))
    })
  } else if (c.kind === 'error_message') {
    test(`halo vector ${id}`, async () => {
      reply(400)
      await assert.rejects(halo.clients.get(3), (err) => {
        assert.equal(err.code, 'halo.api')
        if (c.expect.message) assert.ok(err.message.endsWith(`: ${c.expect.message}`), err.message)
        return true
      })
    })
  }
}
