'use strict'
// The plain-JS middleware shipped with the package, with real Express and
// Fastify servers on 127.0.0.1 and real winston and pino loggers.

const test = require('node:test')
const assert = require('node:assert/strict')
const { Writable } = require('node:stream')

const express = require('express')
const fastify = require('fastify')
const pino = require('pino')
const winston = require('winston')

const { Masker, WebhookSigner, WebhookVerifier } = require('..')
const { fastifyRawBody, fastifyVerifyWebhook, pinoMaskOptions, verifyWebhook, winstonMaskFormat } = require('../middleware')

const SECRET = 'whsec_c2VjcmV0LWtleS1tYXRlcmlhbC0yNC1ieXRlcw=='
const SIGNATURE = { scheme: 'standard_webhooks', secrets: [SECRET] }

const newVerifier = () => new WebhookVerifier({ default: { signature: SIGNATURE } })
const signer = WebhookSigner.fromSignature(SIGNATURE)

function signed(body, id) {
  const headers = Object.fromEntries(signer.sign(Buffer.from(body), id))
  return { ...headers, 'content-type': 'application/json' }
}

async function post(url, body, headers) {
  const res = await fetch(url, { method: 'POST', body, headers })
  return { status: res.status, body: await res.json() }
}

/** The deliveries every server is tried with, and what each must get. */
async function checkDeliveries(url, seen) {
  const body = '{"event":"lead.created","email":"ada@example.com"}'
  const ok = await post(url, body, signed(body, 'msg_1'))
  assert.equal(ok.status, 200)
  assert.deepEqual(ok.body, { scheme: 'standard_webhooks', id: 'msg_1', event: 'lead.created' })

  const replay = await post(url, body, signed(body, 'msg_1'))
  assert.deepEqual(replay, { status: 409, body: { error: 'webhook.replayed' } })

  // The same JSON with other spacing: the raw bytes differ, so it fails.
  const respaced = await post(url, body.replace(':', ': '), signed(body, 'msg_2'))
  assert.deepEqual(respaced, { status: 401, body: { error: 'webhook.signature_mismatch' } })

  const unsigned = await post(url, body, { 'content-type': 'application/json' })
  assert.deepEqual(unsigned, { status: 400, body: { error: 'webhook.missing_header' } })
  assert.equal(seen.length, 1, 'the handler ran for the verified delivery only')
}

test('Express: verifyWebhook after express.raw() on a real server', async () => {
  const app = express()
  const seen = []
  app.post('/hooks', express.raw({ type: '*/*' }), verifyWebhook(newVerifier()), (req, res) => {
    seen.push(req.webhook.id)
    const event = JSON.parse(req.body.toString('utf8')).event
    res.json({ scheme: req.webhook.scheme, id: req.webhook.id, event })
  })
  app.post('/parsed', express.json(), verifyWebhook(newVerifier()), (req, res) => res.json({}))
  app.use((err, req, res, next) => res.status(500).json({ error: err.code }))
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  try {
    const base = `http://127.0.0.1:${server.address().port}`
    await checkDeliveries(`${base}/hooks`, seen)
    const body = '{"a":1}'
    const parsed = await post(`${base}/parsed`, body, signed(body, 'msg_9'))
    assert.deepEqual(parsed, { status: 500, body: { error: 'invalid_argument' } }, 'a parsed body is a setup error')
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})

test('Fastify: fastifyVerifyWebhook on the raw body of a real server', async () => {
  const app = fastify()
  const seen = []
  app.register(async (hooks) => {
    fastifyRawBody(hooks)
    hooks.addHook('preHandler', fastifyVerifyWebhook(newVerifier()))
    hooks.post('/hooks', async (request) => {
      seen.push(request.webhook.id)
      const event = JSON.parse(request.body.toString('utf8')).event
      return { scheme: request.webhook.scheme, id: request.webhook.id, event }
    })
  })
  app.post('/json', async (request) => ({ parsed: request.body }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  try {
    const base = `http://127.0.0.1:${app.server.address().port}`
    await checkDeliveries(`${base}/hooks`, seen)
    const other = await post(`${base}/json`, '{"a":1}', { 'content-type': 'application/json' })
    assert.deepEqual(other.body, { parsed: { a: 1 } }, 'routes outside the context keep JSON parsing')
  } finally {
    await app.close()
  }
})

test('an allow-list sees the client address of the socket', async () => {
  const verifier = new WebhookVerifier({ default: { signature: SIGNATURE, allowNetworks: ['10.0.0.0/8'] } })
  const app = express()
  app.post('/hooks', express.raw({ type: '*/*' }), verifyWebhook(verifier), (req, res) => res.json({}))
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  try {
    const body = '{}'
    const res = await post(`http://127.0.0.1:${server.address().port}/hooks`, body, signed(body, 'msg_1'))
    assert.deepEqual(res, { status: 403, body: { error: 'webhook.ip_not_allowed' } })
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A stream collecting what a logger writes. */
function sink() {
  const chunks = []
  const stream = new Writable({
    write(chunk, encoding, done) {
      chunks.push(chunk.toString())
      done()
    },
  })
  return { stream, text: () => chunks.join('') }
}

test('winston: the masking format masks messages, splat values and metadata', async () => {
  const out = sink()
  const logger = winston.createLogger({
    format: winston.format.combine(winston.format.splat(), winstonMaskFormat(Masker.default()), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: out.stream })],
  })
  logger.info('lead from %s', 'ada@example.com', { phone: '+44 20 7946 0958', company: 'Contoso' })
  logger.warn('token Bearer abc.def.ghi leaked')
  await new Promise((resolve) => setImmediate(resolve))
  const [first, second] = out.text().trim().split('\n').map((line) => JSON.parse(line))
  assert.equal(first.level, 'info')
  assert.equal(first.company, 'Contoso')
  assert.ok(!out.text().includes('ada@example.com'))
  assert.ok(first.message.endsWith('@example.com') && first.message.startsWith('lead from '))
  assert.ok(!out.text().includes('7946 0958'))
  assert.ok(!second.message.includes('abc.def.ghi'))
})

test('pino: the masking options mask messages and merged objects', () => {
  const out = sink()
  const logger = pino({ ...pinoMaskOptions(Masker.default()), base: undefined }, out.stream)
  logger.info({ email: 'ada@example.com', company: 'Contoso', password: 'hunter2' }, 'synced %s', 'bob@example.com')
  const line = JSON.parse(out.text().trim())
  assert.equal(line.company, 'Contoso')
  assert.equal(line.password, '[REDACTED]')
  assert.ok(!out.text().includes('ada@example.com') && !out.text().includes('bob@example.com'))
  assert.ok(line.msg.startsWith('synced '))
})
