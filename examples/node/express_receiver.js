#!/usr/bin/env node
'use strict'
// An Express endpoint receiving lead webhooks through halo-core:
//
//   node examples/node/express_receiver.js [--port N] [--config PATH] [--self-test]
//
// POST /webhooks/apollo: the delivery is verified on its raw body (the
// configuration's signature scheme, timestamp tolerance and replay guard),
// rate-limited per client address, mapped from Apollo's person record,
// validated, and logged masked; the answer is 202 with the lead's
// de-duplication key, or the core's status and `{"error": code}`.
// Secrets come from the environment variables the configuration names
// (APOLLO_WEBHOOK_SECRET in the bundled one). With `--self-test` it
// generates that secret when unset, adds 127.0.0.1 to the configuration's
// sender allow-list, sends itself one signed delivery, one replay and one
// tampered copy, prints the answers and exits.
//
// Express comes from bindings-node's development dependencies: run
// `npm ci && npx napi build --platform` in bindings-node first.

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')

const bindings = path.join(__dirname, '..', '..', 'bindings-node')
const express = require(require.resolve('express', { paths: [bindings] }))
const halo = require(bindings)
const { verifyWebhook } = require(path.join(bindings, 'middleware'))

function parseArgs(argv) {
  const args = { port: 3000, config: path.join(__dirname, '..', 'config', 'halo-core.json'), selfTest: false }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') args.port = Number(argv[++i])
    else if (argv[i] === '--config') args.config = argv[++i]
    else if (argv[i] === '--self-test') args.selfTest = true
    else throw new Error(`unknown argument \`${argv[i]}\``)
  }
  return args
}

function app(config, secrets) {
  const verifier = halo.WebhookVerifier.fromConfig(config, secrets)
  const limiter = halo.RateLimiter.fromConfig(config)
  const masker = halo.Masker.fromConfig(config)
  const schema = new halo.LeadSchema({ unknownFields: 'strip' })
  const log = (text) => console.log(`${new Date().toISOString()} ${masker.maskText(text)}`)

  const server = express()
  server.post(
    '/webhooks/apollo',
    (req, res, next) => {
      const ip = req.socket.remoteAddress
      const decision = limiter.check('webhooks', ip ?? 'unknown', { ip, userAgent: req.get('user-agent') })
      if (decision.allowed) return next()
      res.set('retry-after', String(Math.ceil((decision.retryAfterMs ?? 1000) / 1000)))
      res.status(429).json({ error: 'ratelimit.limited' })
    },
    express.raw({ type: '*/*', limit: '1mb' }),
    verifyWebhook(verifier),
    (req, res) => {
      try {
        const lead = schema.validate(halo.Lead.fromApollo(JSON.parse(req.body.toString('utf8'))))
        log(`lead accepted email=${lead.email} delivery=${req.webhook.id}`)
        res.status(202).json({ dedupeKey: schema.dedupeKey(lead) })
      } catch (err) {
        if (!err.code?.startsWith('lead.') && !(err instanceof SyntaxError)) throw err
        log(`lead refused code=${err.code ?? 'json.syntax'}`)
        res.status(422).json({ error: err.code ?? 'json.syntax', violations: err.violations ?? [] })
      }
    },
  )
  return server
}

async function selfTest(config, secrets, port) {
  const server = app(config, secrets).listen(port, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const url = `http://127.0.0.1:${server.address().port}/webhooks/apollo`
  const signer = halo.WebhookSigner.fromConfig(config, null, secrets)
  const person = {
    id: 'apollo-000001',
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: 'ada@northwind.example',
    organization: { name: 'Northwind' },
  }
  const body = Buffer.from(JSON.stringify(person))
  const headers = { ...Object.fromEntries(signer.sign(body, 'dlv_000001')), 'user-agent': 'Apollo-Webhook/1.0' }
  const send = async (what, payload) => {
    const res = await fetch(url, { method: 'POST', body: payload, headers: { ...headers, 'content-type': 'application/json' } })
    console.log(`${what.padEnd(10)} ${res.status} ${await res.text()}`)
    return res.status
  }
  const statuses = [await send('genuine', body), await send('replayed', body), await send('tampered', Buffer.from(JSON.stringify({ ...person, email: 'eve@evil.example' })))]
  server.close()
  return statuses.join(',') === '202,409,401'
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  let config = halo.Config.fromPath(args.config)
  if (args.selfTest) {
    const document = JSON.parse(fs.readFileSync(args.config, 'utf8'))
    document.security?.webhooks?.validation?.ip_whitelist?.push('127.0.0.1/32')
    config = halo.Config.fromJson(JSON.stringify(document))
  }
  const secrets = { APOLLO_WEBHOOK_SECRET: process.env.APOLLO_WEBHOOK_SECRET ?? '' }
  if (args.selfTest) {
    if (!secrets.APOLLO_WEBHOOK_SECRET) secrets.APOLLO_WEBHOOK_SECRET = crypto.randomBytes(32).toString('base64')
    process.exitCode = (await selfTest(config, secrets, 0)) ? 0 : 1
    return
  }
  if (!secrets.APOLLO_WEBHOOK_SECRET) throw new Error('set APOLLO_WEBHOOK_SECRET (or run with --self-test)')
  app(config, secrets).listen(args.port, () => console.log(`listening on :${args.port}, POST /webhooks/apollo`))
}

main().catch((err) => {
  console.error(`express_receiver: ${err.code ? `${err.code}: ` : ''}${err.message}`)
  process.exitCode = 1
})
