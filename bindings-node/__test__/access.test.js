'use strict'
// Access control through the Node binding, driven by the shared vectors in
// tests/vectors/access/.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const {
  ApiKeyStore,
  Config,
  MemoryOtpStore,
  MfaPolicy,
  OneTimeCodes,
  Policy,
  RecoveryCodes,
  TokenValidator,
  Totp,
} = require('..')
const vectors = require('./vectors')

const CASES = vectors.cases('access')
const of = (prefix) => CASES.filter(([id]) => id.startsWith(`access/${prefix}`))

function codeOf(fn) {
  try {
    fn()
  } catch (err) {
    return err.code
  }
  return null
}

function buildPolicy(c) {
  if ('document' in c) return Policy.fromConfig(Config.fromJson(JSON.stringify(c.document)))
  return new Policy(c.roles)
}

test('access vectors are present', () => {
  assert.ok(of('rbac-').length >= 10 && of('totp-').length >= 20 && of('jwt-').length >= 30)
})

for (const [id, c] of of('rbac-decisions')) {
  test(`rbac vector ${id}`, () => {
    const policy = buildPolicy(c)
    for (const check of c.checks) {
      const decision = policy.decide(check.roles, check.permission)
      assert.equal(decision.allowed, check.allowed, JSON.stringify(check))
      const grant = decision.grantedBy ?? null
      assert.deepEqual(grant && { role: grant.role, permission: grant.permission }, check.granted_by)
      if (check.roles.length === 1) {
        assert.equal(policy.isAllowed(check.roles[0], check.permission), check.allowed)
      }
    }
    for (const [role, expected] of Object.entries(c.effective ?? {})) {
      assert.deepEqual(policy.effectivePermissions(role) ?? null, expected)
    }
  })
}

for (const [id, c] of of('rbac-broken')) {
  test(`rbac vector ${id}`, () => {
    assert.equal(codeOf(() => buildPolicy(c)), c.error)
  })
}

const totp = (c, extra = {}) =>
  Totp.fromBytes(Buffer.from(c.secret_hex, 'hex'), { algorithm: c.algorithm, digits: c.digits, ...extra })

for (const [id, c] of of('totp-rfc6238')) {
  test(`totp vector ${id}`, () => {
    assert.equal(totp(c).generate(c.time), c.code)
  })
}

for (const [id, c] of of('totp-verify')) {
  test(`totp vector ${id}`, () => {
    const t = totp(c, { maxFailures: c.max_failures, lockout: c.lockout_seconds })
    const store = new MemoryOtpStore()
    for (const a of c.attempts) {
      const got = codeOf(() => t.verify(a.account ?? 'alice', a.code, store, a.time))
      assert.equal(got, a.error, JSON.stringify(a))
    }
  })
}

for (const [id, c] of of('jwt-validation')) {
  test(`jwt vector ${id}`, () => {
    const s = c.settings
    const v = TokenValidator.fromJwks(JSON.stringify(c.jwks), {
      issuer: s.issuer,
      audience: s.audience,
      leeway: s.leeway,
      algorithms: s.algorithms.filter((a) => a !== 'HS256'),
    })
    if (s.hs256_secret_hex) v.dangerousAcceptHs256(Buffer.from(s.hs256_secret_hex, 'hex'))
    if (c.expect.error) {
      assert.equal(codeOf(() => v.validate(c.token, c.now)), c.expect.error)
      return
    }
    const token = v.validate(c.token, c.now)
    assert.equal(token.subject, c.expect.sub)
    assert.deepEqual(token.scopes, c.expect.scopes)
    if (c.require_scope) {
      assert.equal(codeOf(() => token.requireScope(c.require_scope)), c.expect.scope_error ?? null)
    }
  })
}

test('api keys rotate and the file holds no key', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'halo-core-')), 'keys.json')
  const store = new ApiKeyStore(undefined, file)
  const t0 = 1_700_000_000
  const first = store.issue('apollo', t0)
  assert.ok(first.key.startsWith('halo_'))
  assert.equal(store.verify(first.key, t0).status, 'active')
  const second = store.rotate(first.id, t0)
  const old = store.verify(first.key, t0 + 3600)
  assert.deepEqual([old.status, old.until], ['retiring', t0 + 86_400])
  assert.equal(codeOf(() => store.verify(first.key, t0 + 86_400)), 'access.api_key_expired')
  const text = fs.readFileSync(file, 'utf8')
  assert.ok(!text.includes(first.key) && !text.includes(second.key) && text.includes(second.id))
  assert.equal(codeOf(() => store.verify('halo_nope', t0)), 'access.api_key_malformed')
})

test('mfa requirement and codes', () => {
  const mfa = MfaPolicy.fromConfig(Config.default())
  assert.equal(mfa.requirement('viewer', false, 0, 0).kind, 'not_required')
  assert.deepEqual({ ...mfa.requirement('admin', false, 0, 86_400) }, { kind: 'in_grace', until: 7 * 86_400 })
  assert.equal(mfa.requirement('admin', false, 0, 7 * 86_400).kind, 'required')

  const codes = new OneTimeCodes(60, 3)
  const code = codes.issue('alice', 'email', 1000)
  assert.equal(codes.verify('alice', code, 1010), 'email')
  assert.equal(codeOf(() => codes.verify('alice', code, 1010)), 'access.otp_no_pending_code')

  const generated = RecoveryCodes.generate(5)
  const kept = RecoveryCodes.fromJson(generated.stored)
  kept.redeem(generated.codes[0])
  assert.equal(kept.remaining(), 4)
  assert.equal(codeOf(() => Totp.fromBytes(Buffer.from('short'))), 'access.otp_invalid_settings')
})
