#!/usr/bin/env node
'use strict'
// halo-core through the Node binding against the usual Node peers, on the
// same inputs, printing operations per second and the ratio (halo-core's
// rate over the peer's: above 1 means halo-core is faster). Not a test.
//
//   cd bindings-node && npm ci && npm run build && cd .. && node examples/node/benchmark.js
//
// The peers are bindings-node's development dependencies. What is
// compared:
//
// - webhook verification (Standard Webhooks, HMAC-SHA256, 1 KiB and 64 KiB
//   bodies): `WebhookVerifier.verify` (replay guard off, so the same
//   delivery can be checked again) against the `standardwebhooks` package
//   and against a hand-rolled `crypto.createHmac` + `timingSafeEqual`
//   check of the same signature and timestamp;
// - lead validation: `LeadSchema.validate` (which also normalises) against
//   Joi, zod and ajv schemas with the same fields, lengths and patterns;
//   then 100 leads to a call (`LeadSchema.validateMany` against each peer
//   mapped over the same array), in leads per second;
// - log masking of one line with an email, a phone number and a bearer
//   token: `Masker.maskText` against a chain of `String.replace` calls;
// - field encryption of 64 bytes: `FieldCipher.encryptField` against
//   `crypto` AES-256-GCM with a random nonce, the envelope in base64.
//
// The peers do less than halo-core in places (no normalisation, no key id
// in the envelope, fewer detectors): the ratios are of the work as each
// library does it, not of identical work.

const crypto = require('node:crypto')
const path = require('node:path')

const bindings = path.join(__dirname, '..', '..', 'bindings-node')
const peer = (name) => require(require.resolve(name, { paths: [bindings] }))
const halo = require(bindings)
const { Webhook } = peer('standardwebhooks')
const Joi = peer('joi')
const { z } = peer('zod')
const Ajv = peer('ajv')

const ROUND_MS = 200
const ROUNDS = 5

/**
 * Operations per second of each function: the best of a few timed rounds,
 * the functions taking turns round by round so that a burst of load from
 * elsewhere on the machine falls on all of them rather than on one.
 */
function rates(fns, perCall = 1) {
  for (const fn of fns) for (let i = 0; i < 200; i++) fn()
  const best = fns.map(() => 0)
  for (let round = 0; round < ROUNDS; round++) {
    fns.forEach((fn, index) => {
      let ops = 0
      const start = process.hrtime.bigint()
      const end = start + BigInt(ROUND_MS * 1e6)
      let now = start
      while (now < end) {
        for (let i = 0; i < 50; i++) fn()
        ops += 50
        now = process.hrtime.bigint()
      }
      best[index] = Math.max(best[index], (ops * perCall) / (Number(now - start) / 1e9))
    })
  }
  return best
}

const rows = []
function compare(task, ours, peers, perCall = 1) {
  const [mine, ...theirs] = rates([ours, ...Object.values(peers)], perCall)
  Object.keys(peers).forEach((name, index) => {
    rows.push({ task, peer: name, halo: mine, theirs: theirs[index], ratio: mine / theirs[index] })
  })
}

// Webhook verification.
const SECRET = `whsec_${crypto.randomBytes(24).toString('base64')}`
const signature = { scheme: 'standard_webhooks', secrets: [SECRET] }
const verifier = new halo.WebhookVerifier({ default: { signature }, dangerousWithoutReplayGuard: true })
const signer = halo.WebhookSigner.fromSignature(signature)
const swh = new Webhook(SECRET)
const rawKey = Buffer.from(SECRET.slice('whsec_'.length), 'base64')

for (const size of [1024, 64 * 1024]) {
  const body = Buffer.alloc(size, 'a')
  body.write('{"event":"lead.created","data":"', 0)
  body.write('"}', size - 2)
  const text = body.toString('utf8')
  const now = Math.floor(Date.now() / 1000)
  const headers = Object.fromEntries(signer.sign(body, 'msg_bench', now))
  const manual = () => {
    const ts = Number(headers['webhook-timestamp'])
    if (Math.abs(Date.now() / 1000 - ts) > 300) throw new Error('stale')
    const mac = crypto.createHmac('sha256', rawKey).update(`${headers['webhook-id']}.${ts}.`).update(body).digest()
    const ok = headers['webhook-signature'].split(' ').some((sig) => {
      const given = Buffer.from(sig.slice(3), 'base64')
      return given.length === mac.length && crypto.timingSafeEqual(given, mac)
    })
    if (!ok) throw new Error('mismatch')
  }
  manual()
  swh.verify(text, headers)
  verifier.verify(body, headers)
  const label = `webhook verify ${size / 1024} KiB`
  compare(label, () => verifier.verify(body, headers), {
    'crypto.createHmac': manual,
    standardwebhooks: () => swh.verify(text, headers),
  })
}

// Lead validation.
const LEAD = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada.lovelace@analytical-engines.example',
  phone: '+44 20 7946 0000',
  company: 'Analytical Engines',
  title: 'Engineer',
}
const PHONE = /^\+?[\d\s\-()]+$/
const schema = new halo.LeadSchema()
const joi = Joi.object({
  first_name: Joi.string().min(1).max(50).required(),
  last_name: Joi.string().min(1).max(50).required(),
  email: Joi.string().email({ tlds: { allow: false } }).required(),
  phone: Joi.string().pattern(PHONE),
  company: Joi.string().min(1).max(100).required(),
  title: Joi.string().max(100),
})
const zod = z.strictObject({
  first_name: z.string().min(1).max(50),
  last_name: z.string().min(1).max(50),
  email: z.email(),
  phone: z.string().regex(PHONE).optional(),
  company: z.string().min(1).max(100),
  title: z.string().max(100).optional(),
})
const ajv = new Ajv().compile({
  type: 'object',
  additionalProperties: false,
  required: ['first_name', 'last_name', 'email', 'company'],
  properties: {
    first_name: { type: 'string', minLength: 1, maxLength: 50 },
    last_name: { type: 'string', minLength: 1, maxLength: 50 },
    email: { type: 'string', maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' },
    phone: { type: 'string', pattern: PHONE.source },
    company: { type: 'string', minLength: 1, maxLength: 100 },
    title: { type: 'string', maxLength: 100 },
  },
})
if (joi.validate(LEAD).error || !zod.safeParse(LEAD).success || !ajv(LEAD)) throw new Error('a peer refuses the lead')
compare('lead validation', () => schema.validate(LEAD), {
  Joi: () => joi.validate(LEAD),
  zod: () => zod.safeParse(LEAD),
  ajv: () => ajv(LEAD),
})
// The same leads 100 to a call, counted per lead: one outcome per lead on
// both sides.
const LEADS = Array.from({ length: 100 }, () => ({ ...LEAD }))
compare(
  'lead validation, 100 per call',
  () => schema.validateMany(LEADS),
  {
    Joi: () => LEADS.map((lead) => joi.validate(lead)),
    zod: () => LEADS.map((lead) => zod.safeParse(lead)),
    ajv: () => LEADS.map((lead) => ajv(lead)),
  },
  LEADS.length,
)

// Log masking.
const LINE = 'sync failed for ada.lovelace@analytical-engines.example (+1 415-555-0123), token Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig retrying in 30 s'
const masker = halo.Masker.default()
const chain = (line) =>
  line
    .replace(/([A-Za-z0-9._%+-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, '****@$2')
    .replace(/\+?\d[\d\s().-]{7,}\d/g, '***-***-****')
    .replace(/\b\d{3}-\d{2}-\d{4}\b/g, '***-**-****')
    .replace(/\b(?:\d[ -]?){13,19}\b/g, '****')
    .replace(/Bearer\s+[A-Za-z0-9._~+/-]+=*/g, 'Bearer [REDACTED]')
compare('log masking (one line)', () => masker.maskText(LINE), { 'String.replace chain': () => chain(LINE) })

// Field encryption.
const KEY = crypto.randomBytes(32)
const cipher = halo.FieldCipher.fromKeys({ k1: KEY.toString('base64') })
const PLAIN = crypto.randomBytes(64)
const gcm = () => {
  const iv = crypto.randomBytes(12)
  const c = crypto.createCipheriv('aes-256-gcm', KEY, iv)
  c.setAAD(Buffer.from('email'))
  const ct = Buffer.concat([c.update(PLAIN), c.final()])
  return Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64')
}
compare('field encryption (64 B)', () => cipher.encryptField('email', 'lead-1', PLAIN), { 'crypto AES-256-GCM': gcm })

const fmt = (n) => Math.round(n).toLocaleString('en')
console.log(`node ${process.version}, ${process.arch}, ${require('node:os').cpus().length} CPUs`)
console.log()
console.log('| task | peer | halo-core ops/s | peer ops/s | ratio |')
console.log('|---|---|---:|---:|---:|')
for (const r of rows) {
  console.log(`| ${r.task} | ${r.peer} | ${fmt(r.halo)} | ${fmt(r.theirs)} | ${r.ratio.toFixed(2)} |`)
}
