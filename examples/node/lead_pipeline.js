#!/usr/bin/env node
'use strict'
// The lead pipeline of examples/src/bin/lead-pipeline, through the Node
// binding:
//
//   node examples/node/lead_pipeline.js [--leads N] [--faults] [--config PATH] [--out DIR] [--role ROLE]
//
// Signed webhook deliveries of Apollo-style person records arrive (some
// tampered with, some replayed, one sender flooding), are rate-limited per
// sender and verified, mapped and validated, logged masked, stored
// encrypted with a blind index of the email, checked against the role's
// permission to `data.sync`, synced into HaloPSA twice (the second run must
// create nothing), and recorded in the audit trail, which is verified at
// the end. It runs against the in-process sandbox unless HALO_BASE_URL,
// HALO_CLIENT_ID and HALO_CLIENT_SECRET name a real tenant. Secrets the
// configuration references through unset environment variables are
// generated for the run, and the at-rest keys (a KMS in the bundled
// configuration) are fresh keys of this run: this is a demonstration.
// Unlike the Rust program it shows no progress bar.
//
// Build the binding first: cd bindings-node && npm ci && npx napi build --platform

const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const halo = require('../../bindings-node')

const FLOOD = 130
const USER_AGENT = 'Apollo-Webhook/1.0'
const STORE_CONTEXT = 'lead-store'
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Radia', 'Ken', 'Margaret', 'Dennis']
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus']
const COMPANIES = ['Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Wingtip', 'Litware', 'Proseware', 'Adventure Works', 'Woodgrove']
const TITLES = ['CTO', 'IT Manager', 'Head of Operations', 'CISO', 'Founder']

function parseArgs(argv) {
  const args = {
    leads: 500,
    faults: false,
    config: path.join(__dirname, '..', 'config', 'halo-core.json'),
    out: null,
    role: 'operator',
  }
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`)
      return argv[++i]
    }
    switch (argv[i]) {
      case '--faults': args.faults = true; break
      case '--leads': {
        args.leads = Number(value())
        if (!Number.isInteger(args.leads) || args.leads < 1 || args.leads > 1_000_000) throw new Error('--leads takes a number from 1 to 1000000')
        break
      }
      case '--config': args.config = value(); break
      case '--out': args.out = value(); break
      case '--role': args.role = value(); break
      case '-h':
      case '--help': return null
      default: throw new Error(`unknown argument \`${argv[i]}\``)
    }
  }
  return args
}

/** Every environment variable the document references: `{"env": NAME}`. */
function envRefs(value, out = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => envRefs(v, out))
  else if (value && typeof value === 'object') {
    if (typeof value.env === 'string' && Object.keys(value).length === 1) out.add(value.env)
    else Object.values(value).forEach((v) => envRefs(v, out))
  }
  return out
}

/** The referenced variables, from the environment or generated for this run. */
function demoSecrets(document) {
  const secrets = {}
  const generated = []
  for (const name of envRefs(document)) {
    if (process.env[name]) secrets[name] = process.env[name]
    else {
      secrets[name] = crypto.randomBytes(32).toString('base64')
      generated.push(name)
    }
  }
  return { secrets, generated }
}

const domainOf = (n) => `${COMPANIES[n % COMPANIES.length].toLowerCase().replace(/ /g, '-')}.example`

function person(n) {
  const first = FIRST[n % FIRST.length]
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length]
  const domain = domainOf(n)
  let email = `${first.toLowerCase()}.${n}@${domain}`
  if (n % 20 === 19) email = `${first.toLowerCase()}.${n}.at.${domain}`
  else if (n % 25 === 24) email = `${FIRST[(n - 1) % FIRST.length].toUpperCase()}.${n - 1}@${domainOf(n - 1)}`
  const phone = String(n % 10_000).padStart(4, '0')
  return {
    id: `apollo-${String(n).padStart(6, '0')}`,
    first_name: first,
    last_name: last,
    name: `${first} ${last}`,
    email,
    email_status: 'verified',
    title: TITLES[n % TITLES.length],
    city: 'Springfield',
    country: 'United States',
    organization: { name: COMPANIES[n % COMPANIES.length], website_url: `https://${domain}`, primary_domain: domain },
    phone_numbers: [{ raw_number: `+1 (415) 555-${phone}`, sanitized_number: `+1415555${phone}`, type_cd: 'work_direct' }],
  }
}

const sender = (n) => `192.0.2.${(n % 254) + 1}`

/** Signed deliveries: every 33rd tampered with, every 29th genuine one replayed. */
function deliveries(signer, count, flood, now) {
  const out = []
  for (let n = 0; n < count; n++) {
    const body = Buffer.from(JSON.stringify(person(n)))
    const id = `dlv_${String(n).padStart(6, '0')}`
    const headers = [...signer.sign(body, id, now), ['User-Agent', USER_AGENT], ['X-Delivery-Id', id]]
    const delivery = { kind: 'genuine', remote: n + flood >= count ? sender(250) : sender(n % 40), headers, body }
    if (n % 33 === 32) {
      delivery.kind = 'tampered'
      delivery.body[delivery.body.length - 4] ^= 0x01
    }
    out.push(delivery)
    if (n % 29 === 28 && delivery.kind === 'genuine') out.push({ ...delivery, kind: 'replayed' })
  }
  return out
}

const count = (map, code) => map.set(code, (map.get(code) ?? 0) + 1)

function refusal(delivery, code) {
  return {
    category: 'security',
    action: 'webhook_refused',
    outcome: 'denied',
    resource: 'webhooks',
    sourceIp: delivery.remote,
    userAgent: USER_AGENT,
    details: { code },
  }
}

/** Rate-limits and verifies every delivery, then maps the accepted ones. */
function receive(config, secrets, all, audit) {
  const verifier = halo.WebhookVerifier.fromConfig(config, secrets)
  const limiter = halo.RateLimiter.fromConfig(config)
  const intake = { received: 0, refused: new Map(), rateLimited: 0, invalid: new Map(), accepted: [] }
  for (const delivery of all) {
    intake.received++
    const decision = limiter.check('webhooks', delivery.remote, { ip: delivery.remote, userAgent: USER_AGENT })
    if (decision.kind === 'limited' || decision.kind === 'blocked') {
      intake.rateLimited++
      audit.record(refusal(delivery, 'ratelimit.limited'))
      continue
    }
    try {
      verifier.verify(delivery.body, delivery.headers, { remoteAddr: delivery.remote })
    } catch (err) {
      if (!err.code?.startsWith('webhook.')) throw err
      count(intake.refused, err.code)
      audit.record(refusal(delivery, err.code))
      continue
    }
    try {
      intake.accepted.push(halo.Lead.fromApollo(JSON.parse(delivery.body.toString('utf8'))))
    } catch (err) {
      if (!err.code?.startsWith('lead.')) throw err
      count(intake.invalid, err.code)
    }
  }
  return intake
}

/** The at-rest cipher and blind index: the configuration's, or fresh keys. */
function atRest(config, document) {
  try {
    return { cipher: halo.FieldCipher.fromConfig(config), blind: halo.BlindIndex.fromConfig(config), note: 'keys from the configuration' }
  } catch {
    const fields = document.security?.encryption?.at_rest?.encrypted_fields
    const cipher = halo.FieldCipher.fromKeys({ 'demo-1': crypto.randomBytes(32).toString('base64') }, null, fields)
    const blind = halo.BlindIndex.fromKey(crypto.randomBytes(32).toString('base64'), 16)
    return { cipher, blind, note: "keys of this run: the configuration's are in a KMS" }
  }
}

/** The HaloPSA the run syncs into: a tenant from the environment, or the sandbox. */
async function target(faults) {
  const [base, id, secret] = ['HALO_BASE_URL', 'HALO_CLIENT_ID', 'HALO_CLIENT_SECRET'].map((n) => process.env[n])
  if (base && id && secret) {
    return { client: new halo.HaloClient({ baseUrl: base, clientId: id, clientSecret: secret }), sandbox: null }
  }
  // The sandbox enforces Halo's default fair use and the client paces to it.
  const fairUse = { requests: 500, perMs: 180_000 }
  const sandbox = await halo.Sandbox.start({ rateLimit: fairUse })
  if (faults) sandbox.setFaultPlan({ mixedEvery: 8, seed: 2026 })
  const retry = { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 800 }
  return { client: halo.HaloClient.forSandbox(sandbox, { rateLimit: fairUse, retry }), sandbox }
}

function findEmail(storePath, email, cipher, blind) {
  const wanted = blind.index('email', email.toLowerCase())
  for (const line of fs.readFileSync(storePath, 'utf8').split('\n')) {
    if (!line) continue
    const sealed = JSON.parse(line)
    if (sealed.email_bidx === wanted) return cipher.decryptRecord(STORE_CONTEXT, sealed).email
  }
  return null
}

async function run(args) {
  const started = process.hrtime.bigint()
  const document = JSON.parse(fs.readFileSync(args.config, 'utf8'))
  const config = halo.Config.fromPath(args.config)
  const { secrets, generated } = demoSecrets(document)
  const out = args.out ?? path.join(os.tmpdir(), `halo-core-pipeline-${Date.now()}`)
  fs.mkdirSync(out, { recursive: true })
  const masker = halo.Masker.fromConfig(config, secrets)
  const logPath = path.join(out, 'pipeline.log')
  const logFd = fs.openSync(logPath, 'w')
  const log = (text) => fs.writeSync(logFd, `${new Date().toISOString()} ${masker.maskText(text)}\n`)

  console.log(`configuration  ${args.config}`)
  if (generated.length) console.log(`demo secrets   generated for ${generated.join(', ')}`)

  const signer = halo.WebhookSigner.fromConfig(config, null, secrets)
  const all = deliveries(signer, args.leads, Math.min(FLOOD, args.leads), Math.floor(Date.now() / 1000))
  const auditDir = path.join(out, 'audit')
  const chainKey = secrets[document.security?.auditing?.storage?.chain_key?.env]
  // One fsync per 64 entries (and at each flush), as a batch job may.
  const auditOptions = { dir: auditDir, chainKey, fsync: 64 }
  if (document.security?.auditing?.storage?.encryption) {
    auditOptions.encryptionKeys = { 'audit-demo-1': crypto.randomBytes(32).toString('base64') }
  }
  const audit = new halo.AuditLog(auditOptions, config, secrets)
  const intake = receive(config, secrets, all, audit)

  const schema = new halo.LeadSchema()
  const leads = []
  for (const lead of intake.accepted) {
    try {
      const valid = schema.validate(lead)
      log(`lead accepted email=${valid.email} phone=${valid.phone ?? ''}`)
      leads.push(valid)
    } catch (err) {
      if (err.code !== 'lead.invalid') throw err
      for (const violation of err.violations) count(intake.invalid, violation.code)
    }
  }

  const { cipher, blind, note } = atRest(config, document)
  const storePath = path.join(out, 'leads.jsonl')
  const lines = leads.map((lead) => {
    const sealed = cipher.encryptRecord(STORE_CONTEXT, lead)
    sealed.email_bidx = blind.index('email', schema.dedupeKey(lead))
    return `${JSON.stringify(sealed)}\n`
  })
  fs.writeFileSync(storePath, lines.join(''))
  const found = leads.length === 0 || findEmail(storePath, leads[0].email, cipher, blind) === leads[0].email

  const decision = halo.Policy.fromConfig(config).decide([args.role], 'data.sync')
  const grant = decision.allowed ? decision.grantedBy : undefined
  audit.record({
    category: 'security',
    action: 'authorize',
    actor: args.role,
    resource: 'data.sync',
    outcome: grant ? 'success' : 'denied',
    details: grant ? { granted_by: `${grant.role}:${grant.permission}` } : undefined,
  })
  if (!grant) {
    audit.flush()
    console.log(`access         role \`${args.role}\` may not \`data.sync\`: nothing synced`)
    return false
  }

  const halopsa = await target(args.faults)
  try {
    const sync = new halo.LeadSync(halopsa.client, { clients: true }, schema, audit, masker)
    const report = await sync.sync(leads)
    const second = await sync.sync(leads)
    audit.flush()
    const trail = halo.verifyAudit(auditDir, chainKey)
    fs.closeSync(logFd)
    const logText = fs.readFileSync(logPath, 'utf8')
    const rawEmails = leads.filter((l) => logText.includes(l.email)).length

    const sum = (map) => [...map.values()].reduce((a, b) => a + b, 0)
    const codes = (map) => [...map].sort().map(([c, n]) => `${c} ${n}`).join(', ') || 'none'
    const rows = [
      ['deliveries received', intake.received],
      ['rate limited (per sender)', intake.rateLimited],
      ['refused', sum(intake.refused)],
      ['leads invalid', sum(intake.invalid)],
      ['leads stored encrypted', lines.length],
      ['duplicates in input', report.duplicates.length],
      ['opportunities created', report.created],
      ['opportunities updated', report.updated],
      ['opportunities unchanged', report.unchanged],
      ['clients created', report.clientsCreated],
      ['sync failures', report.failed.length],
      ['creates reconciled', report.reconciled],
      ['halo requests (retries)', `${report.requests} (${report.retries})`],
      ['second run: created', second.created],
      ['raw emails in the log', rawEmails],
    ]
    console.log()
    console.log(`${'step'.padEnd(28)} ${'count'.padStart(8)}`)
    console.log('-'.repeat(60))
    for (const [name, value] of rows) console.log(`${name.padEnd(28)} ${String(value).padStart(8)}`)
    console.log('-'.repeat(60))
    console.log(`refused by     ${codes(intake.refused)}`)
    console.log(`invalid by     ${codes(intake.invalid)}`)
    console.log(`halopsa        ${halopsa.sandbox ? `sandbox at ${halopsa.sandbox.baseUrl}` : 'the tenant at HALO_BASE_URL'}`)
    console.log(`blind index    ${found ? 'lead found by email without decrypting the store' : 'lookup FAILED'}`)
    console.log(`at rest        ${storePath} (${note})`)
    console.log(`masked log     ${logPath}`)
    const state = trail.intact ? 'verified intact' : `DAMAGED (${trail.damage?.kind})`
    console.log(`audit trail    ${auditDir}: ${trail.entries} entries in ${trail.segments} segment(s), ${state}`)
    console.log(`access         role \`${args.role}\` may \`data.sync\` through \`${grant.permission}\` of role \`${grant.role}\``)
    console.log(`elapsed        ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s`)
    return report.failed.length === 0 && second.created === 0 && rawEmails === 0 && found && trail.intact
  } finally {
    if (halopsa.sandbox) await halopsa.sandbox.stop()
  }
}

async function main() {
  let args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (err) {
    console.error(`lead_pipeline: ${err.message}`)
    process.exitCode = 2
    return
  }
  if (!args) {
    console.log('usage: node examples/node/lead_pipeline.js [--leads N] [--faults] [--config PATH] [--out DIR] [--role ROLE]')
    return
  }
  try {
    process.exitCode = (await run(args)) ? 0 : 1
  } catch (err) {
    console.error(`lead_pipeline: ${err.code ? `${err.code}: ` : ''}${err.message}`)
    process.exitCode = 1
  }
}

main()
