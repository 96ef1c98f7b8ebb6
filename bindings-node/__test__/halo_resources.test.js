'use strict'
// The handlers of sites, tickets, actions and agents against the sandbox:
// paging, reads, create then update, deletes and one failure each. Clients,
// users and opportunities are covered in halo.test.js.

const test = require('node:test')
const assert = require('node:assert/strict')

const { ActionResource, AgentResource, HaloClient, Sandbox, SiteResource, TicketResource } = require('..')

const QUICK = { retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 } }

/** Asserts that `promise` rejects with an `Error` carrying `code`. */
async function rejectsWith(promise, code) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, 'an Error')
    assert.equal(err.code, code, err.message)
    return true
  })
}

async function withSandbox(body) {
  const sandbox = await Sandbox.start()
  try {
    await body(sandbox, HaloClient.forSandbox(sandbox, QUICK))
  } finally {
    await sandbox.stop()
  }
}

const PAGED = [
  ['sites', 'Site', { client_id: 3 }],
  ['tickets', 'Tickets', { client_id: 3 }],
  ['actions', 'Actions', { ticket_id: 3 }],
]

for (const [handler, resource, row] of PAGED) {
  test(`${handler}: listAll reads every page, maxRows stops early, count asks once`, async () => {
    await withSandbox(async (sandbox, halo) => {
      const rows = Array.from({ length: 250 }, (_, i) => ({ ...row, note: `row ${i}` }))
      const ids = sandbox.seed(resource, rows)
      const route = `/api/${resource}`

      let before = sandbox.requestCount('GET', route)
      const everything = await halo[handler].listAll()
      assert.deepEqual(everything.map((r) => r.id), ids)
      assert.equal(sandbox.requestCount('GET', route) - before, 3, 'three pages of 100')

      before = sandbox.requestCount('GET', route)
      assert.equal((await halo[handler].listAll({ maxRows: 30, pageSize: 20 })).length, 30)
      assert.equal(sandbox.requestCount('GET', route) - before, 2)
      assert.equal(await halo[handler].count(), 250)
    })
  })
}

test('sites: create, get, update, filter by client, delete', async () => {
  await withSandbox(async (sandbox, halo) => {
    assert.ok(halo.sites instanceof SiteResource)
    const created = await halo.sites.upsert([{ name: 'Head office', client_id: 7, phonenumber: '01' }, { name: 'Depot' }])
    assert.deepEqual(created.map((s) => s.name), ['Head office', 'Depot'])
    const officeId = created[0].id

    const office = await halo.sites.get(officeId)
    assert.equal(office.client_id, 7)
    assert.equal(office.phonenumber, '01')
    await halo.sites.upsert([{ ...office, name: 'Main office' }])
    assert.equal((await halo.sites.get(officeId)).name, 'Main office')
    assert.equal(sandbox.records('Site').length, 2, 'the update created nothing')
    assert.deepEqual((await halo.sites.listAll({ clientId: 7 })).map((s) => s.id), [officeId])

    await halo.sites.delete(officeId)
    assert.deepEqual(sandbox.records('Site').map((s) => s.name), ['Depot'])
    await rejectsWith(halo.sites.get(officeId), 'halo.not_found')
  })
})

test('tickets: create, get, update, filter by client and open state, delete', async () => {
  await withSandbox(async (sandbox, halo) => {
    assert.ok(halo.tickets instanceof TicketResource)
    const created = await halo.tickets.upsert([
      { summary: 'Printer down', client_id: 4, tickettype_id: 1, priority_id: 2 },
      { summary: 'Old', client_id: 4, hasbeenclosed: true },
    ])
    const [printerId, oldId] = created.map((t) => t.id)

    const printer = await halo.tickets.get(printerId)
    assert.equal(printer.summary, 'Printer down')
    assert.equal(printer.priority_id, 2)
    await halo.tickets.upsert([{ id: printerId, details: 'Tray 2 jams' }])
    assert.equal((await halo.tickets.get(printerId)).details, 'Tray 2 jams')
    assert.equal(sandbox.records('Tickets').length, 2, 'the update created nothing')
    assert.deepEqual((await halo.tickets.listAll({ clientId: 4 })).map((t) => t.id), [printerId, oldId])
    assert.deepEqual((await halo.tickets.listAll({ clientId: 4, openOnly: true })).map((t) => t.id), [printerId])
    assert.deepEqual((await halo.tickets.listAll({ search: 'printer' })).map((t) => t.id), [printerId])

    await halo.tickets.delete(oldId)
    assert.deepEqual(sandbox.records('Tickets').map((t) => t.id), [printerId])
  })
})

test('tickets: updating an unknown id rejects with halo.api', async () => {
  await withSandbox(async (_sandbox, halo) => {
    await assert.rejects(halo.tickets.upsert([{ id: 99, summary: 'gone' }]), (err) => {
      assert.equal(err.code, 'halo.api', err.message)
      assert.ok(err.message.includes('no record with id 99'), err.message)
      return true
    })
  })
})

test('actions: create, get and delete on their ticket, update, filter by ticket', async () => {
  await withSandbox(async (sandbox, halo) => {
    assert.ok(halo.actions instanceof ActionResource)
    const ticketId = (await halo.tickets.upsert([{ summary: 'Printer down' }]))[0].id
    const created = await halo.actions.upsert([
      { ticket_id: ticketId, note: 'Called the user', outcome: 'Note' },
      { ticket_id: ticketId + 1, note: 'Elsewhere' },
    ])
    const actionId = created[0].id

    const action = await halo.actions.getOnTicket(actionId, ticketId)
    assert.equal(action.note, 'Called the user')
    assert.equal(action.outcome, 'Note')
    await halo.actions.upsert([{ ...action, note: 'Called the user twice' }])
    assert.equal((await halo.actions.getOnTicket(actionId, ticketId)).note, 'Called the user twice')
    assert.equal(sandbox.records('Actions').length, 2, 'the update created nothing')
    assert.deepEqual((await halo.actions.listAll({ ticketId })).map((a) => a.id), [actionId])

    await halo.actions.deleteOnTicket(actionId, ticketId)
    assert.deepEqual(sandbox.records('Actions').map((a) => a.note), ['Elsewhere'])
    await rejectsWith(halo.actions.getOnTicket(actionId, ticketId), 'halo.not_found')
    assert.equal(typeof halo.actions.get, 'undefined', 'an action is found only with its ticket')
    assert.equal(typeof halo.actions.delete, 'undefined')
  })
})

test('actions: writing without a tickets scope rejects with halo.forbidden', async () => {
  await withSandbox(async (sandbox) => {
    const reader = new HaloClient({
      baseUrl: sandbox.baseUrl,
      clientId: 'sandbox-client',
      clientSecret: 'sandbox-secret',
      scope: 'read:tickets',
      retry: { maxAttempts: 1 },
    })
    await rejectsWith(reader.actions.upsert([{ ticket_id: 1, note: 'x' }]), 'halo.forbidden')
    assert.deepEqual(sandbox.records('Actions'), [])
    assert.deepEqual(await reader.actions.listAll(), [])
  })
})

test('agents: read-only, me, get and a missing agent', async () => {
  await withSandbox(async (_sandbox, halo) => {
    assert.ok(halo.agents instanceof AgentResource)
    for (const write of ['upsert', 'delete']) assert.equal(typeof halo.agents[write], 'undefined', write)

    const me = await halo.agents.me()
    assert.equal(me.name, 'API Agent')
    assert.deepEqual(await halo.agents.get(me.id), me)
    await rejectsWith(halo.agents.get(999), 'halo.not_found')
  })
})

test('agents: listAll pages through bare arrays, which carry no count', async () => {
  await withSandbox(async (sandbox, halo) => {
    const ids = sandbox.seed('Agent', Array.from({ length: 200 }, (_, i) => ({ name: `agent ${i}` })))
    const before = sandbox.requestCount('GET', '/api/Agent')
    const agents = await halo.agents.listAll()
    assert.deepEqual(agents.map((a) => a.id).slice(1), ids, 'the built-in API agent comes first')
    assert.equal(sandbox.requestCount('GET', '/api/Agent') - before, 3, 'pages of 100, 100, 1')
    assert.equal((await halo.agents.listAll({ search: 'agent 1', maxRows: 5 })).length, 5)
    assert.equal(await halo.agents.count(), null)
  })
})

test('count: the older handlers count too', async () => {
  await withSandbox(async (sandbox, halo) => {
    sandbox.seed('client', [{ name: 'Acme' }, { name: 'Globex' }])
    assert.equal(await halo.clients.count(), 2)
    assert.equal(await halo.users.count(), 0)
    assert.equal(await halo.opportunities.count(), 0)
  })
})

test('seed: an unknown resource or a record that does not fit throws invalid_argument', async () => {
  await withSandbox(async (sandbox) => {
    const throwsCode = (fn, pattern) =>
      assert.throws(fn, (err) => err.code === 'invalid_argument' && pattern.test(err.message))
    throwsCode(() => sandbox.seed('Invoices', [{}]), /resource must be one of/)
    throwsCode(() => sandbox.seed('Tickets', [{ summary: 'ok' }, 'not a record']), /record 1/)
    assert.deepEqual(sandbox.records('Tickets'), [], 'nothing stored from a failed seed')
  })
})

test('the new handlers run concurrently', async () => {
  await withSandbox(async (sandbox, halo) => {
    const [site] = await halo.sites.upsert([{ name: 'Depot', client_id: 2 }])
    const [ticket] = await halo.tickets.upsert([{ summary: 'Printer down' }])
    const [action] = await halo.actions.upsert([{ ticket_id: ticket.id, note: 'n' }])

    const got = await Promise.all([
      halo.sites.get(site.id),
      halo.tickets.get(ticket.id),
      halo.actions.getOnTicket(action.id, ticket.id),
      halo.agents.me(),
    ])
    assert.deepEqual(got.map((g) => g.id), [site.id, ticket.id, action.id, 1])

    await halo.actions.deleteOnTicket(action.id, ticket.id)
    await halo.tickets.delete(ticket.id)
    await halo.sites.delete(site.id)
    for (const r of ['Site', 'Tickets', 'Actions']) assert.deepEqual(sandbox.records(r), [], r)
  })
})
